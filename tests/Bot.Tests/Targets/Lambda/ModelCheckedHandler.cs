namespace Bot.Tests.Targets.Lambda;

/// <summary>
/// Sends the bot's AWS requests on to a real server (<c>moto_server</c>) after checking each against botocore's model, as
/// <see cref="FakeAws"/> does in process: moto answers requests the real API would refuse, so it cannot be the judge.
/// </summary>
public sealed class ModelCheckedHandler() : DelegatingHandler(new HttpClientHandler())
{
    private readonly Lock _gate = new();
    private readonly List<string> _violations = [];
    private readonly List<string> _calls = [];

    public IReadOnlyList<string> Calls { get { lock (_gate) return [.. _calls]; } }

    public void AssertNoViolations()
    {
        lock (_gate) Assert.True(_violations.Count == 0, "Requests that break botocore's models:\n" + string.Join('\n', _violations));
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var (op, problems, _, _) = await AwsModel.CheckAsync(request, cancellationToken);
        lock (_gate)
        {
            _calls.Add(op ?? $"{request.Method} {request.RequestUri!.AbsolutePath}");
            _violations.AddRange(problems);
        }
        return await base.SendAsync(request, cancellationToken);
    }
}
