using System.Net;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules.Switch;
using AlSafe.Core.Whitelist;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;
using NUnit.Framework;

namespace AlSafe.Tests.Rules.Switch;

public sealed class FlowPlanDiffTests
{
    [Property(Arbitrary = new[] { typeof(RuleArbitraries) })]
    public bool ApplyingTheDiffToTheOldPlanGivesTheNewPlan(GrantSetChange change)
    {
        var old = FlowPlanner.Plan(change.Old);
        var @new = FlowPlanner.Plan(change.New);

        return FlowPlanDiff.Compute(old, @new).Apply(old).Equals(@new);
    }

    [Property(Arbitrary = new[] { typeof(RuleArbitraries) })]
    public bool APlanDiffedWithItselfIsEmpty(GrantSet grants)
    {
        var plan = FlowPlanner.Plan(grants);
        return FlowPlanDiff.Compute(plan, FlowPlanner.Plan(grants)).IsEmpty;
    }

    [Property(Arbitrary = new[] { typeof(RuleArbitraries) })]
    public bool NoFlowIsBothRemovedAndAddedUnderOneKey(GrantSetChange change)
    {
        var diff = FlowPlanDiff.Compute(FlowPlanner.Plan(change.Old), FlowPlanner.Plan(change.New));
        return !diff.Removed.Select(flow => flow.Key).Intersect(diff.Added.Select(flow => flow.Key)).Any();
    }

    [Test]
    public void AReplacedGrantDeletesItsFlowAndAddsTheNewOneInOneBundleFile()
    {
        var old = FlowPlanner.Plan(SampleGrants.Web);
        var more = SampleGrants.Web with
        {
            Inbound = [.. SampleGrants.Web.Inbound.Skip(1), new InboundGrant(SampleGrants.V4, SocketProtocol.Tcp, 22, AddressPrefix.Create(IPAddress.Parse("203.0.113.0"), 24), PortRange.Any)],
        };

        var diff = FlowPlanDiff.Compute(old, FlowPlanner.Plan(more));

        Assert.That(
            OfctlFormatter.Diff(diff).Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Is.EqualTo(new[]
            {
                "delete_strict cookie=0xa15a000000001234/-1,table=3,priority=200,ct_state=+new-inv+trk,ct_zone=7,tcp,nw_dst=192.0.2.10,tp_dst=80",
                "add cookie=0xa15a000000001234,table=3,priority=200,ct_state=+new-inv+trk,ct_zone=7,tcp,nw_src=203.0.113.0/24,nw_dst=192.0.2.10,tp_dst=22,actions=ct(commit,zone=7),set_field:0->in_port,output:5",
            }));
    }

    [Test]
    public void AChangedZoneRewritesActionsInPlaceAndMovesOnlyTheFlowsMatchingTheZone()
    {
        var old = FlowPlanner.Plan(SampleGrants.Web);
        var moved = FlowPlanner.Plan(SampleGrants.Web with { Vm = SampleGrants.Vm with { Zone = 8 } });

        var diff = FlowPlanDiff.Compute(old, moved);

        Assert.That(diff.Added.Where(flow => flow.Actions.OfType<ConntrackAction>().Any()), Is.Not.Empty);
        Assert.That(diff.Removed.Select(flow => flow.Key), Is.EquivalentTo(
            old.Flows.Where(flow => flow.Match.CtZone == 7).Select(flow => flow.Key)));
    }

    [Test]
    public void ADiffAppliedToAnotherPlanIsRefused()
    {
        var empty = FlowPlanner.Plan(SampleGrants.Web with { Inbound = [], Outbound = [] });
        var diff = FlowPlanDiff.Compute(FlowPlanner.Plan(SampleGrants.Web), empty);

        Assert.That(() => diff.Apply(empty), Throws.InvalidOperationException);
    }
}
