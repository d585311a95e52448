using System.Text;
using System.Text.Json.Nodes;
using Bot.Sources.GitHub;
using Bot.Tests.Support;

namespace Bot.Tests.Sources.GitHub;

/// <summary>What each of GitHub's own payload examples (octokit/webhooks) asks of the bot.</summary>
public sealed class GitHubDeliveryTests
{
    public static string Folder { get; } = Specs.PathOf("github/payload-examples");

    /// <summary>Every example, as a path under <see cref="Folder"/> whose first part is its event.</summary>
    public static IReadOnlyList<string> Files { get; } = Directory.EnumerateFiles(Folder, "*.json", SearchOption.AllDirectories)
        .Select(f => Path.GetRelativePath(Folder, f)).Order(StringComparer.Ordinal).ToList();

    public static TheoryData<string> Examples() => new(Files);

    public static byte[] Example(string relative) => File.ReadAllBytes(Path.Combine(Folder, relative));

    public static string EventOf(string relative) => relative.Split(Path.DirectorySeparatorChar, '/')[0];

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_is_read_as_what_its_event_means(string example)
    {
        var json = JsonNode.Parse(Example(example))!;
        var delivery = GitHubDelivery.Read(EventOf(example), Example(example));

        switch (EventOf(example))
        {
            case "ping":
                Assert.Equal(json["zen"]!.GetValue<string>(), Assert.IsType<GitHubDelivery.Ping>(delivery).Zen);
                break;
            case "push" when json["ref"]!.GetValue<string>().StartsWith("refs/tags/", StringComparison.Ordinal):
                Assert.StartsWith("tag ", Assert.IsType<GitHubDelivery.Ignored>(delivery).Reason);
                break;
            case "push":
                var push = Assert.IsType<GitHubDelivery.Pushed>(delivery).Push;
                Assert.Equal(json["after"]!.GetValue<string>(), push.Sha);
                Assert.Equal(json["repository"]!["full_name"]!.GetValue<string>(), push.Repository);
                break;
            default:
                var checks = Assert.IsType<GitHubDelivery.ChecksChanged>(delivery);
                var sha = EventOf(example) switch
                {
                    "check_run" => json["check_run"]!["head_sha"],
                    "check_suite" => json["check_suite"]!["head_sha"],
                    "workflow_run" => json["workflow_run"]!["head_sha"],
                    _ => json["sha"],
                };
                Assert.Equal(sha!.GetValue<string>(), checks.Sha);
                Assert.Equal(json["repository"]!["full_name"]!.GetValue<string>(), checks.Repository);
                break;
        }
    }

    [Fact]
    public void A_push_to_a_new_branch_becomes_a_Push_with_every_field()
    {
        var push = Assert.IsType<GitHubDelivery.Pushed>(GitHubDelivery.Read("push", Example("push/with-new-branch.payload.json"))).Push;

        Assert.Equal("Codertocat/Hello-World", push.Repository);
        Assert.Equal("master", push.Branch);
        Assert.Equal("6113728f27ae82c7b1a177c8d03f9e96e0adf246", push.Sha);
        Assert.Null(push.Before); // a new branch: GitHub sends forty zeros
        Assert.False(push.Forced);
        Assert.Equal("github:Codertocat", push.Pusher);
        Assert.Equal("Codertocat", push.PusherName);
        Assert.Equal("https://github.com/Codertocat/Hello-World/commit/6113728f27ae82c7b1a177c8d03f9e96e0adf246", push.CompareUrl);
        var commit = Assert.Single(push.Commits);
        Assert.Equal("6113728f27ae82c7b1a177c8d03f9e96e0adf246", commit.Sha);
        Assert.Equal("Initial commit", commit.Subject);
        Assert.Equal("webhook", push.Via);
    }

    [Fact]
    public void A_push_keeps_before_the_force_flag_and_only_first_lines_and_survives_null_sender_head_commit_and_email()
    {
        var json = JsonNode.Parse(Example("push/with-new-branch.payload.json"))!.AsObject();
        json["before"] = "a10867b14bb761a232cd80139fbd4c0d33264240";
        json["forced"] = true;
        json["sender"] = null;
        json["head_commit"] = null;
        json["pusher"]!["email"] = null;
        json["commits"]![0]!["message"] = "Fix the build\r\n\r\nIt was broken.";

        var push = Assert.IsType<GitHubDelivery.Pushed>(GitHubDelivery.Read("push", Bytes(json))).Push;

        Assert.Equal("a10867b14bb761a232cd80139fbd4c0d33264240", push.Before);
        Assert.True(push.Forced);
        Assert.Equal("github:Codertocat", push.Pusher); // from pusher.name when there is no sender
        Assert.Equal("Fix the build", push.Commits[0].Subject);
    }

    [Theory]
    [InlineData("refs/heads/main", true, "branch main was deleted")]
    [InlineData("refs/tags/v1.2.0", false, "tag v1.2.0 (only branches deploy)")]
    [InlineData("refs/notes/commits", false, "refs/notes/commits is not a branch")]
    [InlineData("refs/heads/", false, "refs/heads/ is not a branch")]
    public void A_deleted_branch_a_tag_or_another_ref_is_ignored(string gitRef, bool deleted, string reason)
    {
        var json = JsonNode.Parse(Example("push/with-new-branch.payload.json"))!.AsObject();
        json["ref"] = gitRef;
        json["deleted"] = deleted;
        if (deleted) json["after"] = new string('0', 40);

        Assert.Equal(reason, Assert.IsType<GitHubDelivery.Ignored>(GitHubDelivery.Read("push", Bytes(json))).Reason);
    }

    [Theory]
    [InlineData("push", """{"repository":{"full_name":"o/r"},"after":"6113728f27ae82c7b1a177c8d03f9e96e0adf246"}""", "field 'ref' is required")]
    [InlineData("push", """{"repository":{"full_name":"o/r"},"ref":"refs/heads/main"}""", "field 'after' (a commit sha) is required")]
    [InlineData("push", """{"ref":"refs/heads/main","after":"6113728f27ae82c7b1a177c8d03f9e96e0adf246"}""", "field 'repository.full_name' is required")]
    [InlineData("check_run", """{"repository":{"full_name":"o/r"},"check_run":{}}""", "field 'check_run.head_sha' (a commit sha) is required")]
    [InlineData("status", """{"repository":{"full_name":"o/r"},"sha":"not a sha"}""", "field 'sha' (a commit sha) is required")]
    [InlineData("push", """{"ref": 42}""", "unexpected JSON at $.ref")]
    [InlineData("push", "[1,2]", "expected a JSON object")]
    [InlineData("push", "null", "expected a JSON object")]
    [InlineData("push", "not json", "expected a JSON object")]
    public void A_body_without_what_its_event_needs_is_malformed_with_a_reason(string name, string body, string reason) =>
        Assert.Equal(reason, Assert.IsType<GitHubDelivery.Malformed>(GitHubDelivery.Read(name, Encoding.UTF8.GetBytes(body))).Reason);

    [Fact]
    public void Other_events_are_ignored_without_reading_the_body() =>
        Assert.Equal("issues events are not used", Assert.IsType<GitHubDelivery.Ignored>(GitHubDelivery.Read("issues", "not json"u8)).Reason);

    private static byte[] Bytes(JsonNode json) => Encoding.UTF8.GetBytes(json.ToJsonString());
}
