namespace AlSafe.Core.Rules.Switch;

/// <summary>Choices the planner leaves to its caller.</summary>
public sealed record FlowPlannerOptions
{
    /// <summary>The options <see cref="FlowPlanner.Plan(Decisions.GrantSet)"/> uses.</summary>
    public static FlowPlannerOptions Default { get; } = new();

    /// <summary>
    /// Whether the first packet of a new connection that no grant allows, out of the VM (table 1) or into it
    /// (table 3), is reported to the controller as well as dropped, so the daemon introspects the VM at once instead
    /// of at its next period and the client's retransmission finds the new rule. The report only triggers an
    /// introspection; what is allowed still comes from guest memory. On by default: the packets are dropped either
    /// way, and the reports pass one bridge-wide meter (<see cref="FlowPlanner.ReportMeter"/>).
    /// </summary>
    public bool ReportNewConnections { get; init; } = true;
}
