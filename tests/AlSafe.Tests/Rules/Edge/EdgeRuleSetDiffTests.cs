using AlSafe.Core.Decisions;
using AlSafe.Core.Rules.Edge;
using AlSafe.Core.Whitelist;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;
using NUnit.Framework;

namespace AlSafe.Tests.Rules.Edge;

public sealed class EdgeRuleSetDiffTests
{
    [Property(Arbitrary = new[] { typeof(RuleArbitraries) })]
    public bool ApplyingTheDiffToTheOldRuleSetGivesTheNewRuleSet(GrantSetChange change)
    {
        var old = EdgePlanner.Plan(change.Old);
        var @new = EdgePlanner.Plan(change.New);

        return EdgeRuleSetDiff.Compute(old, @new).Apply(old).Equals(@new);
    }

    [Property(Arbitrary = new[] { typeof(RuleArbitraries) })]
    public bool ARuleSetDiffedWithItselfIsEmpty(GrantSet grants) =>
        EdgeRuleSetDiff.Compute(EdgePlanner.Plan(grants), EdgePlanner.Plan(grants)).IsEmpty;

    [Test]
    public void TheDiffDeletesBeforeItAdds()
    {
        var old = EdgePlanner.Plan(SampleGrants.Web);
        var widened = SampleGrants.Web with
        {
            Inbound = [.. SampleGrants.Web.Inbound.Select(grant => grant.Port == 53 ? grant with { RemotePort = PortRange.Any } : grant)],
        };

        var diff = EdgeRuleSetDiff.Compute(old, EdgePlanner.Plan(widened));

        Assert.That(
            NftFormatter.Diff(diff).Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[]
            {
                "delete element inet alsafe svc4 { 192.0.2.10 . udp . 53 . 10.0.0.0/8 . 1024-65535 }",
                "add element inet alsafe svc4 { 192.0.2.10 . udp . 53 . 10.0.0.0/8 . 0-65535 }",
            }));
    }

    [Test]
    public void ADiffAppliedToAnotherRuleSetIsRefused()
    {
        var empty = EdgePlanner.Plan(SampleGrants.Web with { Inbound = [], Outbound = [] });
        var diff = EdgeRuleSetDiff.Compute(EdgePlanner.Plan(SampleGrants.Web), empty);

        Assert.That(() => diff.Apply(empty), Throws.InvalidOperationException);
    }
}
