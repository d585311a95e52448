using Bot.Tests.Support;

namespace Bot.Tests.Commands;

/// <summary>
/// The text of a <c>KEY=value</c> pair never reaches the audit or the store, whatever the verb and whether it is refused,
/// misspelt or unknown: its value is replaced before anything is written, and a deploy does not take it for a ref.
/// </summary>
public sealed class AuditValuesTests
{
    [Theory]
    [InlineData("config set web SHOP_MODE=sale-of-the-century", "config set web SHOP_MODE=[redacted]")]
    [InlineData("cnofig set web SHOP_MODE=sale-of-the-century", "cnofig set web SHOP_MODE=[redacted]")]
    [InlineData("deploy web SHOP_MODE=sale-of-the-century", "deploy web SHOP_MODE=[redacted]")]
    [InlineData("status web SHOP_MODE=\"sale-of-the-century\"", "status web SHOP_MODE=[redacted]")]
    public async Task A_value_typed_in_any_command_is_replaced_in_the_audit_and_never_stored(string typed, string audited)
    {
        await using var bot = await TestBot.StartAsync(new Dictionary<string, string?> { ["Apps:web:Target"] = "fake" });
        var result = await bot.SendAsync(typed);

        var entry = Assert.Single(await bot.Store.AuditLogAsync(null, 10, default));
        Assert.Equal(audited, entry.Command);
        Assert.DoesNotContain("sale-of-the-century", entry.Result, StringComparison.Ordinal);
        Assert.DoesNotContain("sale-of-the-century", string.Join(" ", result.Messages.Select(m => m.Text)), StringComparison.Ordinal);
        Assert.Empty(await bot.Store.ListAsync("web", null, 10, false, default));
        Assert.Empty(bot.Fake.Deploys);
    }

    [Fact]
    public async Task A_deploy_of_a_pair_says_it_is_not_a_ref_without_saying_the_value()
    {
        await using var bot = await TestBot.StartAsync(new Dictionary<string, string?> { ["Apps:web:Target"] = "fake" });
        var result = await bot.SendAsync("deploy web API_TOKEN=abc123");
        Assert.False(result.Ok);
        Assert.Equal("`API_TOKEN=…` is not a branch, tag or commit. Type `deploy web <branch|tag|sha>`.", result.Messages[0].Text);
    }
}
