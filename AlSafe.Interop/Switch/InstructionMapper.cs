using System.Diagnostics.CodeAnalysis;
using AlSafe.Core.Rules.Switch;
using AlSafe.Interop.OpenFlow;
using CoreConntrack = AlSafe.Core.Rules.Switch.ConntrackAction;
using CoreController = AlSafe.Core.Rules.Switch.ControllerAction;
using CoreOutput = AlSafe.Core.Rules.Switch.OutputAction;
using OfConntrack = AlSafe.Interop.OpenFlow.ConntrackAction;
using OfController = AlSafe.Interop.OpenFlow.ControllerAction;
using OfOutput = AlSafe.Interop.OpenFlow.OutputAction;

namespace AlSafe.Interop.Switch;

/// <summary>A flow's action list as OpenFlow instructions and back: the actions that act on the packet in one
/// apply-actions instruction, a goto-table (always last in the model) as its own instruction after it.</summary>
internal static class InstructionMapper
{
    // NXM_OF_IN_PORT, the 16-bit in_port, in a set-field action: what ovs-ofctl sends for set_field:0->in_port and
    // what the switch reports back. The 32-bit OXM_OF_IN_PORT cannot carry 0 (the switch refuses it as a bad set
    // argument), so clearing in_port has only this form.
    private static readonly OxmField ClearInPort = new(OxmClass.Nxm0, 0, [0, 0]);

    public static IReadOnlyList<OpenFlowInstruction> ToInstructions(IReadOnlyList<FlowAction> actions)
    {
        var applied = new List<OpenFlowAction>();
        GotoTableInstruction? next = null;
        foreach (var action in actions)
        {
            switch (action)
            {
                case GotoTableAction go:
                    next = new GotoTableInstruction((byte)go.Table);
                    break;
                case CoreConntrack ct:
                    applied.Add(Conntrack(ct));
                    break;
                case NormalAction:
                    applied.Add(OfOutput.Normal);
                    break;
                case CoreOutput output:
                    applied.Add(new OfOutput(output.Port));
                    break;
                case ClearInPortAction:
                    applied.Add(new SetFieldAction(ClearInPort));
                    break;
                case CoreController { Meter: null } controller:
                    applied.Add(OfOutput.ToController(controller.MaxLength));
                    break;
                case CoreController controller:
                    applied.Add(new OfController { MaxLength = controller.MaxLength, MeterId = controller.Meter });
                    break;
                default:
                    throw new ArgumentException($"no OpenFlow form for {action}", nameof(actions));
            }
        }

        // Drop is no instruction at all, which is also how the switch reports an empty apply-actions.
        var instructions = new List<OpenFlowInstruction>();
        if (applied.Count > 0)
        {
            instructions.Add(new ApplyActionsInstruction(applied));
        }

        if (next is not null)
        {
            instructions.Add(next);
        }

        return instructions;
    }

    public static bool TryFromInstructions(IReadOnlyList<OpenFlowInstruction> instructions,
        [NotNullWhen(true)] out IReadOnlyList<FlowAction>? actions, [NotNullWhen(false)] out string? reason)
    {
        var result = new List<FlowAction>();
        actions = null;
        for (var i = 0; i < instructions.Count; i++)
        {
            switch (instructions[i])
            {
                case ApplyActionsInstruction apply when i == 0:
                    foreach (var action in apply.Actions)
                    {
                        if (FromAction(action) is not { } modelled)
                        {
                            reason = $"the model has no action like {action}";
                            return false;
                        }

                        result.Add(modelled);
                    }

                    break;
                case GotoTableInstruction go when i == instructions.Count - 1:
                    result.Add(new GotoTableAction((FlowTable)go.Table));
                    break;
                default:
                    reason = $"the model has no instruction like {instructions[i]} there";
                    return false;
            }
        }

        actions = result;
        reason = null;
        return true;
    }

    private static OfConntrack Conntrack(CoreConntrack ct)
    {
        if (ct.Table is { } table && (byte)table == OfConntrack.NoRecirculation)
        {
            throw new ArgumentException($"ct() cannot recirculate into table {OfConntrack.NoRecirculation}: that number means no recirculation");
        }

        return new OfConntrack
        {
            Flags = ct.Commit ? ConntrackFlags.Commit : ConntrackFlags.None,
            Zone = ct.Zone,
            RecirculationTable = ct.Table is { } recirculate ? (byte)recirculate : OfConntrack.NoRecirculation,
        };
    }

    private static FlowAction? FromAction(OpenFlowAction action) => action switch
    {
        OfOutput { Port: OpenFlowPort.Normal } => NormalAction.Instance,
        OfOutput { Port: OpenFlowPort.Controller } output => new CoreController(output.MaxLength, null),
        OfController controller => new CoreController(controller.MaxLength, controller.MeterId),
        // max_len only means something towards the controller, so it is not compared for a port.
        OfOutput { Port: > 0 and <= OpenFlowPort.Max } output => new CoreOutput(output.Port),
        SetFieldAction setField when setField.Field == ClearInPort => ClearInPortAction.Instance,
        OfConntrack { Flags: ConntrackFlags.None or ConntrackFlags.Commit, ZoneSource: 0, Alg: 0, Actions.Count: 0 } ct =>
            new CoreConntrack(ct.Flags == ConntrackFlags.Commit, ct.Zone,
                ct.RecirculationTable == OfConntrack.NoRecirculation ? null : (FlowTable)ct.RecirculationTable),
        _ => null,
    };
}
