namespace AlSafe.Interop.OpenFlow;

/// <summary>Group numbers with a special meaning.</summary>
public static class OpenFlowGroup
{
    /// <summary>"No group": the wildcard for out_group filters.</summary>
    public const uint Any = 0xffffffff;
}
