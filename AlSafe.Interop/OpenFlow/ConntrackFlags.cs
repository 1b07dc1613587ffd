namespace AlSafe.Interop.OpenFlow;

/// <summary>NX_CT_F_* flags of the ct() action.</summary>
[Flags]
public enum ConntrackFlags : ushort
{
    None = 0,

    /// <summary>Commit the connection to the tracker, so its later packets are +est.</summary>
    Commit = 1,

    /// <summary>With <see cref="Commit"/>: a committed connection in the other direction is torn down and recommitted
    /// in this one.</summary>
    Force = 2,
}
