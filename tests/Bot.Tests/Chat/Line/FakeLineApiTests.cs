using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Bot.Chat.Line;

namespace Bot.Tests.Chat.Line;

/// <summary>The fake is only worth something if it refuses what LINE would refuse: most requests here are wrong on purpose.</summary>
public sealed class FakeLineApiTests : IDisposable
{
    private readonly FakeLineApi _line = new();
    private readonly HttpClient _http;

    public FakeLineApiTests() => _http = new HttpClient(_line) { BaseAddress = _line.ApiBase };

    public void Dispose() => _http.Dispose();

    private async Task<(HttpStatusCode Status, JsonObject Body, HttpResponseMessage Response)> SendAsync(string path, JsonObject? body = null,
        HttpMethod? method = null, string? token = null, string? retryKey = null)
    {
        using var request = new HttpRequestMessage(method ?? (body is null ? HttpMethod.Get : HttpMethod.Post), path);
        if (body is not null) request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        if ((token ?? _line.AccessToken) is { Length: > 0 } t) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", t);
        if (retryKey is not null) request.Headers.TryAddWithoutValidation(LineApi.RetryKeyHeader, retryKey);
        var response = await _http.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject(), response);
    }

    private static JsonObject Push(params JsonObject[] messages) =>
        new() { ["to"] = "U4af4980629abcdef0123456789abcdef", ["messages"] = new JsonArray([.. messages]) };

    private string OnlyViolation() => Assert.Single(_line.Violations);

    [Fact]
    public void The_spec_is_lines_own_document()
    {
        Assert.True(File.Exists(LineSpec.FilePath), LineSpec.FilePath);
        Assert.Equal(73, LineSpec.OperationCount);
        Assert.Equal(LineApi.ReplyPath, LineSpec.Match("/v2/bot/message/reply")!.Template);
        var member = LineSpec.Match("/v2/bot/group/C1234/member/U5678")!;
        Assert.Equal(FakeLineApi.GroupMemberPath, member.Template);
        Assert.Equal(("C1234", "U5678"), (member.Values["groupId"], member.Values["userId"]));
        Assert.Equal(5L, (long)LineSpec.Schema("ReplyMessageRequest")["properties"]!["messages"]!["maxItems"]!);
    }

    [Fact]
    public async Task A_good_push_of_text_and_flex_is_delivered_and_answered_like_LINE()
    {
        var (status, body, _) = await SendAsync(LineApi.PushPath, Push(LineSamples.Text("hi"), LineSamples.Flex()), retryKey: Guid.NewGuid().ToString());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body["sentMessages"]!.AsArray().Count);
        Assert.Equal("flex", (string?)Assert.Single(_line.Pushes).Messages![1]!["type"]);
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task Six_messages_in_one_push_are_a_violation_answered_400_with_details()
    {
        var (status, body, _) = await SendAsync(LineApi.PushPath, Push([.. Enumerable.Range(0, 6).Select(i => LineSamples.Text($"m{i}"))]));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("The request body has 1 error(s)", (string?)body["message"]);
        Assert.Equal("messages", (string?)body["details"]![0]!["property"]);
        Assert.Contains("at most 5", OnlyViolation());
        Assert.Empty(_line.Requests);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(_line.AssertNoViolations);
    }

    public static TheoryData<string, JsonObject, string> BrokenMessages()
    {
        var noAltText = LineSamples.Flex();
        noAltText.Remove("altText");
        var longData = LineSamples.Flex();
        LineSamples.FirstButton(longData)["action"]!["data"] = new string('d', 301);
        var badLayout = LineSamples.Flex();
        badLayout["contents"]!["body"]!["contents"]![2]!["layout"] = "diagonal";
        var badStyle = LineSamples.Flex();
        LineSamples.FirstButton(badStyle)["style"] = "huge";
        var badAction = LineSamples.Flex();
        LineSamples.FirstButton(badAction)["action"]!["type"] = "teleport";
        var longButton = LineSamples.Flex();
        LineSamples.FirstButton(longButton)["action"]!["label"] = new string('b', 41);
        var deepBox = LineSamples.Flex();
        deepBox["contents"]!["body"]!["contents"]![2]!.AsObject().Remove("layout");
        var buttonWithoutAction = LineSamples.Flex();
        LineSamples.FirstButton(buttonWithoutAction).Remove("action");
        var sender = LineSamples.Text("hi");
        sender["sender"] = new JsonObject { ["name"] = new string('s', 21) };
        return new()
        {
            { "a text of 5001 characters", LineSamples.Text(new string('x', 5001)), "messages[0].text: is 5001 characters long" },
            { "a flex without altText", noAltText, "messages[0].altText: is required in FlexMessage" },
            { "an altText of 1501 characters", LineSamples.Flex(new string('a', 1501)), "messages[0].altText: is 1501 characters long" },
            { "a postback data of 301 characters", longData, "messages[0].contents.footer.contents[0].action.data: is 301 characters long" },
            { "a box layout not in the enum", badLayout, "messages[0].contents.body.contents[2].layout: 'diagonal' is not one of" },
            { "a button style not in the enum", badStyle, "messages[0].contents.footer.contents[0].style: 'huge' is not one of" },
            { "an action type not in the discriminator", badAction, "action.type: 'teleport' is not one of" },
            { "a button label of 41 characters", longButton, "contents[0].action.label: is 41 characters long; the label of a Flex button" },
            { "a nested box without layout", deepBox, "messages[0].contents.body.contents[2].layout: is required in FlexBox" },
            { "a button without action", buttonWithoutAction, "contents[0].action: is required in FlexButton" },
            { "a quick reply label of 21 characters", LineSamples.WithQuickReplies("pick", new string('q', 21)), "items[0].action.label: is 21 characters long" },
            { "fourteen quick reply items", LineSamples.WithQuickReplies("pick", [.. Enumerable.Range(0, 14).Select(i => $"app{i}")]), "quickReply.items: has 14 items; at most 13" },
            { "a sender name of 21 characters", sender, "messages[0].sender.name: is 21 characters long" },
            { "an unknown message type", new JsonObject { ["type"] = "txt", ["text"] = "hi" }, "messages[0].type: 'txt' is not one of" },
            { "a misspelt property", new JsonObject { ["type"] = "text", ["txt"] = "hi" }, "messages[0].txt: is not a property of TextMessage" },
            { "a text that is a number", new JsonObject { ["type"] = "text", ["text"] = 42 }, "messages[0].text: must be a string" },
        };
    }

    [Theory]
    [MemberData(nameof(BrokenMessages))]
    public async Task Messages_that_break_the_spec_or_the_reference_are_violations(string what, JsonObject message, string problem)
    {
        var (status, _, _) = await SendAsync(LineApi.ReplyPath, new JsonObject { ["replyToken"] = "r1", ["messages"] = new JsonArray(message) });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(_line.Violations.Any(v => v.Contains(problem)), $"{what}: expected '{problem}' in\n{string.Join('\n', _line.Violations)}");
        Assert.Empty(_line.Replies);
    }

    [Fact]
    public async Task Limits_are_inclusive()
    {
        await SendAsync(LineApi.ReplyPath, new JsonObject
        {
            ["replyToken"] = "r1",
            ["messages"] = new JsonArray(LineSamples.Text(new string('x', 5000)), LineSamples.Flex(new string('a', 1500)),
                LineSamples.WithQuickReplies("pick", [.. Enumerable.Range(0, 13).Select(i => new string('q', 20))])),
        });

        _line.AssertNoViolations();
        Assert.Single(_line.Replies);
    }

    [Theory]
    [InlineData(7, "loadingSeconds: is 7; it must be a multiple of 5")]
    [InlineData(65, "loadingSeconds: is 65; the maximum is 60")]
    [InlineData(0, "loadingSeconds: is 0; the minimum is 5")]
    public async Task Loading_seconds_are_5_to_60_in_steps_of_5(int seconds, string problem)
    {
        await SendAsync(LineApi.LoadingPath, new JsonObject { ["chatId"] = "U4af4980629abcdef0123456789abcdef", ["loadingSeconds"] = seconds });

        Assert.Contains(problem, OnlyViolation());
        Assert.Empty(_line.Loadings);
    }

    [Fact]
    public async Task The_loading_animation_is_for_one_on_one_chats_only()
    {
        await SendAsync(LineApi.LoadingPath, new JsonObject { ["chatId"] = "Ca56f94637c4e8d2b5f8b1ca5fd8f2e3a", ["loadingSeconds"] = 10 });

        Assert.Contains("only for one-on-one chats", OnlyViolation());
    }

    [Fact]
    public async Task A_missing_or_wrong_token_is_a_violation_answered_401()
    {
        var (wrong, body, _) = await SendAsync(LineApi.PushPath, Push(LineSamples.Text("hi")), token: "not-the-token");
        var (missing, _, _) = await SendAsync(FakeLineApi.ProfilePath.Replace("{userId}", "U1"), token: "");

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (wrong, missing));
        Assert.StartsWith("Authentication failed", (string?)body["message"]);
        Assert.Collection(_line.Violations, v => Assert.Contains("is not the channel access token", v), v => Assert.Contains("no Authorization", v));
        Assert.Empty(_line.Pushes);
    }

    [Fact]
    public async Task Unknown_paths_wrong_methods_and_paths_the_bot_should_not_call_are_violations()
    {
        await SendAsync("/v2/bot/message/replies", new JsonObject { ["replyToken"] = "r1", ["messages"] = new JsonArray(LineSamples.Text("hi")) });
        await SendAsync(LineApi.ReplyPath, method: HttpMethod.Get);
        await SendAsync("/v2/bot/info");

        Assert.Collection(_line.Violations,
            v => Assert.Contains("no such path in the Messaging API", v),
            v => Assert.Contains("takes POST, not GET", v),
            v => Assert.Contains("the fake does not serve it", v));
    }

    [Fact]
    public async Task A_retry_key_must_be_a_uuid_and_only_goes_where_the_spec_has_it()
    {
        await SendAsync(LineApi.PushPath, Push(LineSamples.Text("hi")), retryKey: "deploy-7-live");
        await SendAsync(LineApi.ReplyPath, new JsonObject { ["replyToken"] = "r1", ["messages"] = new JsonArray(LineSamples.Text("hi")) },
            retryKey: Guid.NewGuid().ToString());

        Assert.Collection(_line.Violations,
            v => Assert.Contains("X-Line-Retry-Key: 'deploy-7-live' is not a UUID", v),
            v => Assert.Contains("X-Line-Retry-Key: is not a header of /v2/bot/message/reply", v));
    }

    [Theory]
    [InlineData(null, null, "a JSON body is required")]
    [InlineData("{\"to\":", "application/json", "the body is not JSON")]
    [InlineData("to=U1", "application/x-www-form-urlencoded", "must be sent as application/json")]
    [InlineData("{\"messages\":[{\"type\":\"text\",\"text\":\"hi\"}]}", "application/json", "to: is required in PushMessageRequest")]
    public async Task A_body_must_be_json_of_the_documented_shape(string? body, string? mediaType, string problem)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, LineApi.PushPath);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, mediaType!);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _line.AccessToken);

        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(problem, OnlyViolation());
    }
}
