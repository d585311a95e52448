using Bot.Chat.Line;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bot.Tests.Chat.Line;

/// <summary>Display names: from the path that fits the chat, remembered for an hour, null for people LINE does not know.</summary>
public sealed class LineProfileTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
    private readonly FakeLineApi _line;
    private readonly HttpClient _http;
    private readonly LineApi _api;

    public LineProfileTests()
    {
        _line = new FakeLineApi(_time);
        _http = new HttpClient(_line);
        _api = new LineApi(_http, _line.Options, _time, NullLogger<LineApi>.Instance);
        _line.AddProfile("U0ALICE", "Alice");
        _line.AddGroupMember("C0TEAM", "U0ALICE", "Alice in the team");
        _line.AddRoomMember("R0ROOM", "U0ALICE", "Alice in the room");
    }

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task The_path_follows_the_chat_the_user_wrote_in()
    {
        Assert.Equal(new LineProfile("U0ALICE", "Alice"), await _api.GetProfileAsync("U0ALICE", null, null, default));
        Assert.Equal("Alice in the team", (await _api.GetProfileAsync("U0ALICE", "C0TEAM", null, default))!.DisplayName);
        Assert.Equal("Alice in the room", (await _api.GetProfileAsync("U0ALICE", null, "R0ROOM", default))!.DisplayName);

        Assert.Equal([FakeLineApi.ProfilePath, FakeLineApi.GroupMemberPath, FakeLineApi.RoomMemberPath], _line.ProfileLookups.Select(p => p.Path));
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task Profiles_are_remembered_for_an_hour()
    {
        await _api.GetProfileAsync("U0ALICE", "C0TEAM", null, default);
        _time.Advance(LineProfileCache.Lifetime - TimeSpan.FromSeconds(1));
        await _api.GetProfileAsync("U0ALICE", "C0TEAM", null, default);
        Assert.Single(_line.ProfileLookups);

        _time.Advance(TimeSpan.FromSeconds(1));
        await _api.GetProfileAsync("U0ALICE", "C0TEAM", null, default);
        Assert.Equal(2, _line.ProfileLookups.Count);
    }

    [Fact]
    public async Task A_user_LINE_does_not_know_is_null_and_asked_about_again_later()
    {
        Assert.Null(await _api.GetProfileAsync("U0NOBODY", null, null, default));
        Assert.Null(await _api.GetProfileAsync("U0ALICE", "C0OTHER", null, default));

        _line.AddProfile("U0NOBODY", "Newcomer");
        Assert.Equal("Newcomer", (await _api.GetProfileAsync("U0NOBODY", null, null, default))!.DisplayName);
        _line.AssertNoViolations();
    }

    [Fact]
    public async Task Other_failures_are_errors()
    {
        _line.FailNext(FakeLineApi.ProfilePath, LineFault.ServerError());

        var e = await Assert.ThrowsAsync<LineApiException>(() => _api.GetProfileAsync("U0ALICE", null, null, default));

        Assert.Equal(("/v2/bot/profile/U0ALICE", 500), (e.Path, e.Status));
    }
}
