namespace AlSafe.Interop.OpenFlow;

/// <summary>An atomic bundle was refused. The switch's tables are as they were before the bundle: either it was
/// discarded before the commit, or the switch rolled the commit back.</summary>
public sealed class OpenFlowBundleException : OpenFlowErrorException
{
    public OpenFlowBundleException(string message, OpenFlowError error, int? flowModIndex, FlowMod? flowMod)
        : base(message, error)
    {
        FlowModIndex = flowModIndex;
        FlowMod = flowMod;
    }

    /// <summary>The position in the bundle of the flow mod the switch blamed; null when the error was about the bundle
    /// itself (for example the commit timing out).</summary>
    public int? FlowModIndex { get; }

    public FlowMod? FlowMod { get; }
}
