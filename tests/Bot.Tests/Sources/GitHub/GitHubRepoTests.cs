using Bot.Configuration;
using Bot.Sources.GitHub;

namespace Bot.Tests.Sources.GitHub;

public sealed class GitHubRepoTests
{
    [Theory]
    [InlineData("https://github.com/acme/web", "acme/web")]
    [InlineData("https://github.com/acme/web.git", "acme/web")]
    [InlineData("https://github.com/acme/web/", "acme/web")]
    [InlineData("https://x-access-token@github.com/acme/web.git", "acme/web")]
    [InlineData("git@github.com:acme/web.git", "acme/web")]
    [InlineData("ssh://git@github.com/acme/my.site.git", "acme/my.site")]
    [InlineData("  https://GitHub.com/Acme/Web  ", "Acme/Web")]
    public void A_GitHub_URL_names_its_repository(string url, string expected) => Assert.Equal(expected, GitHubRepo.Parse(url));

    [Theory]
    [InlineData(null)]
    [InlineData("/srv/git/demo.git")]
    [InlineData("file:///srv/git/demo.git")]
    [InlineData("https://gitlab.com/acme/web.git")]
    [InlineData("https://github.com.evil.example/acme/web")]
    [InlineData("https://github.com/acme")]
    [InlineData("https://github.com/acme/web/tree/main")]
    [InlineData("acme/web")]
    public void Anything_else_is_not_a_GitHub_repository(string? value) => Assert.Null(GitHubRepo.Parse(value));

    [Theory]
    [InlineData("acme/web", true)]
    [InlineData("acme-inc/web.site_2", true)]
    [InlineData("acme/web.git", false)]
    [InlineData("acme", false)]
    [InlineData("acme/web/extra", false)]
    [InlineData("-acme/web", false)]
    [InlineData("acme/..", false)]
    [InlineData("acme/", false)]
    [InlineData(null, false)]
    public void An_explicit_owner_repo_is_checked(string? value, bool expected) => Assert.Equal(expected, GitHubRepo.IsOwnerRepo(value));
}
