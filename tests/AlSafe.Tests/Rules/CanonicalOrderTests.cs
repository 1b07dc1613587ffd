using AlSafe.Core.Rules.Edge;
using AlSafe.Core.Rules.Switch;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;

namespace AlSafe.Tests.Rules;

/// <summary>
/// The orders plans are sorted, deduplicated and diffed by must be total and agree with equality: otherwise two equal
/// grant sets could give different plans, or a diff could miss a change.
/// </summary>
public sealed class CanonicalOrderTests
{
    [Property(Arbitrary = new[] { typeof(RuleArbitraries) })]
    public bool TheFlowOrderIsAntisymmetricAndZeroExactlyForEqualFlows(GrantSetChange change)
    {
        // Two plans (cookies and zones may differ) and the base plan: flows that differ in one field or in many.
        var flows = FlowPlanner.Plan(change.Old).Flows
            .Concat(FlowPlanner.Plan(change.New).Flows)
            .Concat(FlowPlanner.BasePlan().Flows)
            .ToList();
        return flows.All(x => flows.All(y =>
            Math.Sign(FlowOrder.Instance.Compare(x, y)) == -Math.Sign(FlowOrder.Instance.Compare(y, x))
            && (FlowOrder.Instance.Compare(x, y) == 0) == x.Equals(y)
            && (FlowOrder.CompareKeys(x, y) == 0) == (x.Key == y.Key)));
    }

    [Property(Arbitrary = new[] { typeof(RuleArbitraries) })]
    public bool APlanIsStrictlyAscendingInTheFlowOrder(GrantSetChange change)
    {
        var flows = FlowPlanner.Plan(change.New).Flows;
        return flows.Zip(flows.Skip(1)).All(pair => FlowOrder.Instance.Compare(pair.First, pair.Second) < 0);
    }

    [Property(Arbitrary = new[] { typeof(RuleArbitraries) })]
    public bool TheEdgeOrderIsAntisymmetricAndZeroExactlyForEqualElements(GrantSetChange change)
    {
        var elements = EdgePlanner.Plan(change.Old).Elements.Concat(EdgePlanner.Plan(change.New).Elements).ToList();
        return elements.All(x => elements.All(y =>
            Math.Sign(EdgeElementOrder.Instance.Compare(x, y)) == -Math.Sign(EdgeElementOrder.Instance.Compare(y, x))
            && (EdgeElementOrder.Instance.Compare(x, y) == 0) == x.Equals(y)));
    }

    [Property(Arbitrary = new[] { typeof(RuleArbitraries) })]
    public bool ARuleSetIsStrictlyAscendingInTheEdgeOrder(GrantSetChange change)
    {
        var elements = EdgePlanner.Plan(change.New).Elements;
        return elements.Zip(elements.Skip(1)).All(pair => EdgeElementOrder.Instance.Compare(pair.First, pair.Second) < 0);
    }
}
