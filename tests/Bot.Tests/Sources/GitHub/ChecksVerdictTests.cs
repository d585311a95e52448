using Bot.Sources.GitHub;

namespace Bot.Tests.Sources.GitHub;

public sealed class ChecksVerdictTests
{
    private static CheckResult Passed(string name, string detail = "success") => new(name, CheckState.Passed, detail, $"https://ci.example.com/{name}");
    private static CheckResult Pending(string name, string detail) => new(name, CheckState.Pending, detail, null);
    private static CheckResult Failed(string name, string detail) => new(name, CheckState.Failed, detail, $"https://ci.example.com/{name}");

    [Fact]
    public void A_required_check_nobody_reported_is_waited_for_as_expected_never_passed()
    {
        var verdict = ChecksVerdict.Judge([Passed("build")], all: false, ["build", "e2e"]);

        var pending = Assert.IsType<ChecksVerdict.Pending>(verdict);
        Assert.Equal([new CheckResult("e2e", CheckState.Pending, "expected", null)], pending.Waiting);
        Assert.Equal("waiting for checks: e2e (expected)", verdict.Text);
    }

    [Fact]
    public void All_with_no_checks_reported_is_pending_not_passed()
    {
        var verdict = ChecksVerdict.Judge([], all: true, []);

        Assert.Empty(Assert.IsType<ChecksVerdict.Pending>(verdict).Waiting);
        Assert.Equal("no checks reported yet", verdict.Text);
    }

    [Fact]
    public void Neutral_and_skipped_pass()
    {
        var verdict = ChecksVerdict.Judge([Passed("build"), Passed("docs", "neutral"), Passed("e2e", "skipped")], all: true, []);

        Assert.Equal(3, Assert.IsType<ChecksVerdict.Passed>(verdict).Checks.Count);
        Assert.Equal("checks passed: build, docs, e2e", verdict.Text);
    }

    [Theory]
    [InlineData("failure")]
    [InlineData("cancelled")]
    [InlineData("timed out")]
    [InlineData("action required")]
    [InlineData("startup failure")]
    [InlineData("stale")]
    [InlineData("error")]
    public void Each_failure_fails_even_while_others_still_run(string detail)
    {
        var verdict = ChecksVerdict.Judge([Failed("build", detail), Pending("test", "queued")], all: true, []);

        Assert.Equal([Failed("build", detail)], Assert.IsType<ChecksVerdict.Failed>(verdict).Failing);
        Assert.Equal($"checks failed: build ({detail}) https://ci.example.com/build", verdict.Text);
    }

    [Fact]
    public void The_texts_fit_a_phone()
    {
        var waiting = ChecksVerdict.Judge([Pending("build", "in progress"), Pending("test", "queued"), Passed("lint")], all: true, []);
        var failed = ChecksVerdict.Judge([Failed("build", "failure"), Failed("lint", "cancelled"), new CheckResult("ci/x", CheckState.Failed, "error", null)], all: true, []);

        Assert.Equal("waiting for checks: build (in progress), test (queued)", waiting.Text);
        Assert.Equal("checks failed: build (failure) https://ci.example.com/build, lint (cancelled) https://ci.example.com/lint, ci/x (error)", failed.Text);
    }

    [Fact]
    public void A_long_list_names_five_and_counts_the_rest()
    {
        var verdict = ChecksVerdict.Judge(Enumerable.Range(1, 8).Select(i => Pending($"job{i}", "queued")).ToList(), all: true, []);

        Assert.Equal("waiting for checks: job1 (queued), job2 (queued), job3 (queued), job4 (queued), job5 (queued) and 3 more", verdict.Text);
    }

    [Fact]
    public void Names_compare_without_case_and_unrequired_checks_are_not_judged()
    {
        var verdict = ChecksVerdict.Judge([Passed("Build"), Failed("flaky", "failure")], all: false, ["build", " BUILD "]);

        Assert.Equal([Passed("Build")], Assert.IsType<ChecksVerdict.Passed>(verdict).Checks);
    }

    [Fact]
    public void Nothing_asked_passes()
    {
        var verdict = ChecksVerdict.Judge([Failed("build", "failure")], all: false, []);

        Assert.IsType<ChecksVerdict.Passed>(verdict);
        Assert.Equal("no checks required", verdict.Text);
    }
}
