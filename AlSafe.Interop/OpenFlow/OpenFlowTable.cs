namespace AlSafe.Interop.OpenFlow;

/// <summary>Table numbers with a special meaning.</summary>
public static class OpenFlowTable
{
    /// <summary>The highest table a flow can live in.</summary>
    public const byte Max = 0xfe;

    /// <summary>Every table: for deletes and flow statistics requests.</summary>
    public const byte All = 0xff;
}
