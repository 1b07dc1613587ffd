using AlSafe.Core.Rules.Edge;
using FsCheck.Fluent;
using NUnit.Framework;

namespace AlSafe.Tests.Rules.Edge;

/// <summary>
/// Has the kernel check the rendered text (<c>nft -c</c> runs the whole transaction, overlap checks included, and
/// discards it) in a network namespace of its own that disappears with the process.
/// </summary>
public sealed class NftSyntaxTests
{
    [Test]
    public void TheKernelAcceptsTheDeclarationsAndTheSampleElements() =>
        AssertAccepted(NftFormatter.SetDeclarations() + NftFormatter.Add(EdgePlanner.Plan(SampleGrants.Web)));

    [Test]
    public void TheKernelAcceptsOverlappingGrantsOnceTheyAreMadeDisjoint()
    {
        foreach (var grants in RuleArbitraries.GrantSets().Generator.Sample(10, 20))
        {
            AssertAccepted(NftFormatter.SetDeclarations() + NftFormatter.Add(EdgePlanner.Plan(grants)));
        }
    }

    [Test]
    public void TheKernelAcceptsADiffAfterTheOldElements()
    {
        foreach (var change in RuleArbitraries.GrantSetChanges().Generator.Sample(10, 10))
        {
            var old = EdgePlanner.Plan(change.Old);
            var diff = EdgeRuleSetDiff.Compute(old, EdgePlanner.Plan(change.New));
            AssertAccepted(NftFormatter.SetDeclarations() + NftFormatter.Add(old) + NftFormatter.Diff(diff));
        }
    }

    private static void AssertAccepted(string text) => NftCheck.AssertAccepted(text);
}
