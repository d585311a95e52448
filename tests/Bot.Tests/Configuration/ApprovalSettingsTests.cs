using Bot.Configuration;
using Microsoft.Extensions.Configuration;

namespace Bot.Tests.Configuration;

/// <summary><c>RequireApproval</c>, <c>MinApprovals</c>, <c>AllowSelfApproval</c> and <c>ApprovalTimeout</c>, per environment.</summary>
public class ApprovalSettingsTests
{
    private static AppCatalog Load(params (string Key, string Value)[] values) =>
        AppCatalog.Load(new ConfigurationBuilder().AddInMemoryCollection(
            values.Prepend(("Apps:web:Target", "shell")).Select(v => new KeyValuePair<string, string?>(v.Item1, v.Item2))).Build(), ["shell"]);

    [Fact]
    public void Nothing_set_means_no_approval_and_the_defaults()
    {
        var env = Load().Find("web")!.Default;
        Assert.Equal(new ApprovalSettings(false, 1, false, TimeSpan.FromHours(1)), env.Approval);
    }

    [Fact]
    public void Each_environment_has_its_own_rule_over_the_apps()
    {
        var app = Load(
            ("Apps:web:Approvers", "slack:U1,slack:U2,@ops"), ("Apps:web:ApprovalTimeout", "2h"),
            ("Apps:web:Environments:production:RequireApproval", "true"), ("Apps:web:Environments:production:MinApprovals", "2"),
            ("Apps:web:Environments:production:AllowSelfApproval", "True"),
            ("Apps:web:Environments:staging:Deployers:0", "slack:U3")).Find("web")!;

        Assert.Equal(new ApprovalSettings(true, 2, true, TimeSpan.FromHours(2)), app.For("production").Approval);
        Assert.Equal(new ApprovalSettings(false, 1, false, TimeSpan.FromHours(2)), app.For("staging").Approval);
    }

    [Theory]
    [InlineData("Apps:web:RequireApproval", "yes", "Apps:web:RequireApproval: 'yes' is not true or false")]
    [InlineData("Apps:web:AllowSelfApproval", "1", "Apps:web:AllowSelfApproval: '1' is not true or false")]
    [InlineData("Apps:web:MinApprovals", "0", "Apps:web:MinApprovals: '0' is not a whole number of 1 or more")]
    [InlineData("Apps:web:MinApprovals", "two", "Apps:web:MinApprovals: 'two' is not a whole number of 1 or more")]
    [InlineData("Apps:web:ApprovalTimeout", "soon", "Apps:web:ApprovalTimeout: 'soon' is not a duration; write it as 30m, 1h or 1d")]
    [InlineData("Apps:web:RequireAproval", "true", "Apps:web:RequireAproval: unknown key; did you mean RequireApproval?")]
    [InlineData("Apps:web:Environments:production:MinAprovals", "2", "Apps:web:Environments:production:MinAprovals: unknown key; did you mean MinApprovals?")]
    public void A_wrong_value_or_key_stops_startup_with_one_line(string key, string value, string message)
    {
        var e = Assert.Throws<ConfigException>(() => Load((key, value), ("Apps:web:Approvers:0", "slack:U1")));
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void Approval_required_with_nobody_to_give_it_stops_startup()
    {
        var e = Assert.Throws<ConfigException>(() => Load(("Apps:web:Environments:production:RequireApproval", "true")));
        Assert.Equal("Apps:web:Approvers: empty, but RequireApproval is true for production; list who may approve (slack:U123, line:U…, @group)", e.Message);
    }

    [Fact]
    public void More_approvals_than_listed_approvers_stops_startup_unless_a_group_is_listed()
    {
        var e = Assert.Throws<ConfigException>(() => Load(("Apps:web:RequireApproval", "true"), ("Apps:web:MinApprovals", "3"), ("Apps:web:Approvers", "slack:U1,slack:U2")));
        Assert.StartsWith("Apps:web:MinApprovals: 3 approvals needed in production, but Approvers lists only 2", e.Message);
        Assert.True(Load(("Apps:web:RequireApproval", "true"), ("Apps:web:MinApprovals", "3"), ("Apps:web:Approvers", "@ops")).Find("web")!.Default.Approval.Required);
    }
}
