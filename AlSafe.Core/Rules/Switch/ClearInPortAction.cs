namespace AlSafe.Core.Rules.Switch;

/// <summary>
/// Sets the packet's in_port to 0, which names no port (ovs-ofctl's <c>set_field:0->in_port</c>). Open vSwitch drops
/// an output between two protected ports, judging the sender by in_port; every delivery to a protected VM's port is
/// an explicit output its flows decided, so it clears in_port first. OpenFlow forbids output to the in_port, and with
/// in_port cleared the switch no longer refuses it: no flow may deliver a VM's own frame back to it.
/// </summary>
public sealed record ClearInPortAction : FlowAction
{
    public static ClearInPortAction Instance { get; } = new();

    private ClearInPortAction()
    {
    }
}
