namespace AlSafe.TestSupport.Lab;

/// <summary>What one <see cref="NodeLab"/> holds besides its switch, edge and neighbour.</summary>
public sealed record NodeLabOptions
{
    /// <summary>The lab guest (VM lab1). The lab sets its tap, namespace and MAC; its <see cref="LabGuestOptions.Name"/>
    /// must be unique among guests running at once. Null starts the lab without a guest (namespaces only).</summary>
    public LabGuestOptions? Guest { get; init; } = new() { Name = "node-lab1" };

    /// <summary>VMs that are only a namespace on a veth, each port claimed with its alsafe-vm id: nothing to
    /// introspect behind them.</summary>
    public IReadOnlyList<NodeLabNamespaceVm> NamespaceVms { get; init; } = [];

    /// <summary>The bridge's fail_mode while no AL-SAFE runs: "standalone" (a plain learning switch, its one flow
    /// NORMAL) or "secure" (an empty table, nothing passes).</summary>
    public string FailMode { get; init; } = "standalone";
}
