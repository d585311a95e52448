using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;

namespace Bot.Targets.CloudRun;

/// <summary>
/// Bearer tokens from Application Default Credentials, through Google.Apis.Auth: the credential file named by
/// <c>GOOGLE_APPLICATION_CREDENTIALS</c> (a service account's key, signed and exchanged at its <c>token_uri</c>), or else
/// what ADC finds (gcloud's user credentials, the metadata server on Google Cloud). The library caches each token and
/// refreshes it before it runs out; this class only loads the credential once.
/// </summary>
public sealed class GoogleTokens(CloudRunOptions options)
{
    public const string Scope = "https://www.googleapis.com/auth/cloud-platform";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private ITokenAccess? _credential;

    public async Task<string> GetAsync(string call, CancellationToken ct)
    {
        try
        {
            var credential = await CredentialAsync(ct).ConfigureAwait(false);
            return await credential.GetAccessTokenForRequestAsync(null, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.Text.Json.JsonException or TokenResponseException or HttpRequestException or UnauthorizedAccessException
                                      || e is TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new GoogleApiException(call, 401, "UNAUTHENTICATED", $"no Google access token ({Why(e)})");
        }
    }

    private async Task<ITokenAccess> CredentialAsync(CancellationToken ct)
    {
        if (Volatile.Read(ref _credential) is { } ready) return ready;
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_credential is not null) return _credential;
            var credential = options.CredentialsFile is { } file
                ? await FromFileAsync(file, ct).ConfigureAwait(false)
                : await GoogleCredential.GetApplicationDefaultAsync(ct).ConfigureAwait(false);
            Volatile.Write(ref _credential, credential.CreateScoped(Scope));
            return _credential!;
        }
        finally { _gate.Release(); }
    }

    /// <summary>The credential file's own <c>type</c> says what it holds (a service account key, gcloud's user credentials, …).</summary>
    private static async Task<GoogleCredential> FromFileAsync(string file, CancellationToken ct)
    {
        string? type;
        await using (var json = File.OpenRead(file))
        using (var doc = await System.Text.Json.JsonDocument.ParseAsync(json, default, ct).ConfigureAwait(false))
            type = doc.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type is null) throw new InvalidOperationException($"{file} has no \"type\"; it is not a Google credential file");
        var credential = await CredentialFactory.FromFileAsync(file, type, ct).ConfigureAwait(false);
        return credential;
    }

    private static string Why(Exception e) => e switch
    {
        TokenResponseException t => $"the token endpoint said {t.Error?.Error ?? "no"}: {t.Error?.ErrorDescription}",
        _ => e.Message.Length > 200 ? e.Message[..200] + "…" : e.Message,
    };
}
