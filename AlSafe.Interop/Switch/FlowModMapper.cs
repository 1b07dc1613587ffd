using System.Diagnostics.CodeAnalysis;
using AlSafe.Core.Rules.Switch;
using AlSafe.Interop.OpenFlow;

namespace AlSafe.Interop.Switch;

/// <summary>
/// Translates between the planner's flows and OpenFlow flow mods, both ways, so that a plan can be sent natively and
/// the table read back from the switch compared with the plan flow by flow.
/// </summary>
/// <remarks>
/// The forward direction writes exactly the flow mod <c>ovs-ofctl add-flows</c> sends for
/// <see cref="OfctlFormatter"/>'s text, so the switch stores the same flow either way. The way back accepts only
/// what the forward direction can produce: a flow with timeouts, flags, or any field or action the model does not
/// have is not one of ours as planned, and a reconciliation must treat it as drift. A field the switch reports in
/// another form than the one sent (tcp_flags) maps back to the same flow.
/// </remarks>
public static class FlowModMapper
{
    /// <summary>The add that installs <paramref name="flow"/>.</summary>
    /// <exception cref="ArgumentException">The flow has a match OpenFlow cannot carry as written (a /0 prefix, which
    /// the switch would store as no field at all, or a recirculation into table 255, which means none).</exception>
    public static FlowMod ToFlowMod(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return new FlowMod
        {
            Command = FlowModCommand.Add,
            TableId = (byte)flow.Table,
            Priority = flow.Priority,
            Cookie = flow.Cookie,
            Match = OxmMatchMapper.ToOxm(flow.Match),
            Instructions = InstructionMapper.ToInstructions(flow.Actions),
        };
    }

    /// <summary>The delete of exactly <paramref name="flow"/>: same table, priority and match, and only while it still
    /// carries exactly its cookie, so another owner's flow with the same key is never taken.</summary>
    public static FlowMod ToDeleteStrict(Flow flow) => ToFlowMod(flow) with
    {
        Command = FlowModCommand.DeleteStrict,
        CookieMask = ulong.MaxValue,
        Instructions = [],
    };

    /// <summary>The planner's flow that <paramref name="flowMod"/> (an add, or a flow read back from the switch) is.</summary>
    /// <exception cref="ArgumentException">The flow mod is not a plain add or has something the model cannot hold;
    /// the message says what.</exception>
    public static Flow ToFlow(FlowMod flowMod) =>
        TryToFlow(flowMod, out var flow, out var reason) ? flow : throw new ArgumentException($"{flowMod} is not a planned flow: {reason}", nameof(flowMod));

    /// <summary>Like <see cref="ToFlow"/>, without throwing for a flow the model cannot hold.</summary>
    public static bool TryToFlow(FlowMod flowMod, [NotNullWhen(true)] out Flow? flow) => TryToFlow(flowMod, out flow, out _);

    private static bool TryToFlow(FlowMod flowMod, [NotNullWhen(true)] out Flow? flow, [NotNullWhen(false)] out string? reason)
    {
        ArgumentNullException.ThrowIfNull(flowMod);
        flow = null;
        reason = PlainAddProblem(flowMod);
        if (reason is not null)
        {
            return false;
        }

        if (!OxmMatchMapper.TryFromOxm(flowMod.Match, out var match, out reason) ||
            !InstructionMapper.TryFromInstructions(flowMod.Instructions, out var actions, out reason))
        {
            return false;
        }

        try
        {
            flow = new Flow((FlowTable)flowMod.TableId, flowMod.Priority, flowMod.Cookie, match, actions);
            return true;
        }
        catch (ArgumentException e)
        {
            // A prerequisite missing or a backwards jump: the switch may hold it, the planner never makes it.
            reason = e.Message;
            return false;
        }
    }

    private static string? PlainAddProblem(FlowMod flowMod) => flowMod switch
    {
        { Command: not FlowModCommand.Add } => $"command {flowMod.Command}",
        { TableId: > OpenFlowTable.Max } => "no single table",
        { IdleTimeout: not 0 } or { HardTimeout: not 0 } => "a timeout",
        { Flags: not FlowModFlags.None } => $"flags {flowMod.Flags}",
        { Importance: not 0 } => "an importance",
        _ => null,
    };
}
