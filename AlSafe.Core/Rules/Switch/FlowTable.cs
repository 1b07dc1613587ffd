namespace AlSafe.Core.Rules.Switch;

/// <summary>
/// The OpenFlow tables of the AL-SAFE pipeline, in the order a packet crosses them: what a protected VM may send,
/// whether its connection is allowed out, where the packet is going, whether it is allowed into a protected VM.
/// </summary>
public enum FlowTable : byte
{
    /// <summary>Anti-spoofing on the sending port; a protected VM's own traffic enters its conntrack zone here.</summary>
    Source = 0,

    /// <summary>The sending VM's conntrack verdict: known connections and outbound grants pass.</summary>
    Egress = 1,

    /// <summary>Frames towards a protected VM enter its conntrack zone; everything else is switched normally.</summary>
    Destination = 2,

    /// <summary>The receiving VM's conntrack verdict: known connections and inbound grants are delivered.</summary>
    Ingress = 3,
}
