namespace AlSafe.Core.Rules.Switch;

/// <summary>Hands the packet to the switch's own learning-switch forwarding (the reserved NORMAL port).</summary>
public sealed record NormalAction : FlowAction
{
    public static NormalAction Instance { get; } = new();

    private NormalAction()
    {
    }
}
