namespace AlSafe.Interop.OpenFlow;

public sealed partial class OpenFlowWriter
{
    public void WriteBundleControl(OpenFlowVersion version, uint xid, BundleControlMessage control)
    {
        ArgumentNullException.ThrowIfNull(control);
        RequireBundles(version);
        var start = BeginMessage(version, OpenFlowMessageType.BundleControl, xid);
        U32(control.BundleId);
        U16((ushort)control.Type);
        U16((ushort)control.Flags);
        EndMessage(start);
    }

    /// <summary>OFPT_BUNDLE_ADD_MESSAGE wrapping a FLOW_MOD. The inner message gets the outer xid, as the spec
    /// requires, so an error the switch reports for the flow mod names the add that carried it.</summary>
    public void WriteBundleAddFlowMod(OpenFlowVersion version, uint xid, uint bundleId, BundleFlags flags, FlowMod flowMod)
    {
        ArgumentNullException.ThrowIfNull(flowMod);
        RequireBundles(version);
        var start = BeginMessage(version, OpenFlowMessageType.BundleAddMessage, xid);
        try
        {
            U32(bundleId);
            U16(0);
            U16((ushort)flags);
            var inner = BeginMessage(version, OpenFlowMessageType.FlowMod, xid);
            WriteFlowModBody(version, flowMod);
            EndMessage(inner);
            EndMessage(start);
        }
        catch
        {
            _written = start;
            throw;
        }
    }

    /// <summary>Bundles are standard from OpenFlow 1.4. Open vSwitch also offers them on 1.3 as an ONF experimenter
    /// extension; this client does not speak it and negotiates 1.4+ where bundles are needed instead.</summary>
    private static void RequireBundles(OpenFlowVersion version)
    {
        if (version < OpenFlowVersion.OpenFlow14)
        {
            throw new ArgumentException($"bundles need OpenFlow 1.4 or later, not {OpenFlowNames.Version(version)}", nameof(version));
        }
    }
}
