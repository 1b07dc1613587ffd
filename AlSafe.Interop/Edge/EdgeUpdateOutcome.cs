namespace AlSafe.Interop.Edge;

public enum EdgeUpdateOutcome
{
    /// <summary>The edge already held exactly the VM's elements; nothing was sent.</summary>
    Unchanged,

    /// <summary>One transaction changed the VM's elements on the edge.</summary>
    Applied,

    /// <summary>The update's transaction was refused because the edge had drifted (an element to delete was gone, a
    /// set was flushed); the table was read back and repaired, the update included.</summary>
    Repaired,

    /// <summary>The edge is not reachable or not synchronized: the elements are kept and written by the full
    /// resynchronization that follows the next connection.</summary>
    Deferred,

    /// <summary>The update cannot be written: <see cref="EdgeUpdateResult.Error"/> says why. The edge keeps the VM's
    /// previous elements.</summary>
    Refused,
}
