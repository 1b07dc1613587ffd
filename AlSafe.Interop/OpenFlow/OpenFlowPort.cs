namespace AlSafe.Interop.OpenFlow;

/// <summary>Reserved OpenFlow port numbers (ofp_port_no); physical ports are 1 to <see cref="Max"/>.</summary>
public static class OpenFlowPort
{
    public const uint Max = 0xffffff00;
    public const uint InPort = 0xfffffff8;
    public const uint Table = 0xfffffff9;
    public const uint Normal = 0xfffffffa;
    public const uint Flood = 0xfffffffb;
    public const uint All = 0xfffffffc;
    public const uint Controller = 0xfffffffd;
    public const uint Local = 0xfffffffe;

    /// <summary>"No port": the wildcard for out_port filters.</summary>
    public const uint Any = 0xffffffff;
}
