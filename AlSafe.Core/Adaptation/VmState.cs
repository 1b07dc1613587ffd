namespace AlSafe.Core.Adaptation;

/// <summary>Where a VM stands with the daemon.</summary>
public enum VmState
{
    /// <summary>Described in vms.d but no switch port names it: not on this node (yet).</summary>
    NoPort,

    /// <summary>On the switch, but no descriptor says whose it is or where its memory is: default deny, no addresses.</summary>
    NoDescriptor,

    /// <summary>On the switch and described, not introspected yet: default deny.</summary>
    Starting,

    /// <summary>Its rules follow its last introspection.</summary>
    Protected,

    /// <summary>Its last cycle failed; the rules of its last good cycle stay while it is retried with backoff.</summary>
    Failing,

    /// <summary>Handed off for a live migration: not introspected, its rules stay until it leaves or is released.</summary>
    Exported,

    /// <summary>Its rules are a hand-off's grants from its source node until its first introspection here.</summary>
    Imported,
}
