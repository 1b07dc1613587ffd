using AlSafe.Core.Rules.Switch;
using AlSafe.Interop.OpenFlow;

namespace AlSafe.Interop.Switch;

/// <summary>A plan with the adds that install it, encoded once: a resynchronisation of a whole node then only
/// concatenates them, and a reconciliation recognises most flows read back by comparing flow mods, without mapping
/// them back to the model.</summary>
internal sealed class EncodedPlan
{
    private EncodedPlan(FlowPlan plan, IReadOnlyList<FlowMod> adds)
    {
        Plan = plan;
        Adds = adds;
        Ports = [.. plan.Flows.Where(flow => flow.Table == FlowTable.Source).Select(flow => flow.Match.InPort).OfType<uint>().Distinct().Order()];
    }

    public FlowPlan Plan { get; }

    /// <summary>One add per flow, in the plan's order.</summary>
    public IReadOnlyList<FlowMod> Adds { get; }

    public ulong Cookie => Plan.Cookie;

    /// <summary>The switch ports the plan guards, in ascending order: the in_port of its table-0 flows, where the
    /// planner matches the VM's port.</summary>
    public IReadOnlyList<uint> Ports { get; }

    /// <exception cref="ArgumentException">A flow cannot be expressed in OpenFlow.</exception>
    public static EncodedPlan Of(FlowPlan plan) => new(plan, [.. plan.Flows.Select(FlowModMapper.ToFlowMod)]);
}
