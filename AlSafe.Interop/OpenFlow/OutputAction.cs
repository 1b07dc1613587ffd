using System.Globalization;

namespace AlSafe.Interop.OpenFlow;

/// <summary>OFPAT_OUTPUT: send the packet to a port, a reserved port such as <see cref="OpenFlowPort.Normal"/>
/// (the switch's own L2 learning), or to the controller.</summary>
/// <param name="MaxLength">How many bytes of the packet go to the controller with <see cref="OpenFlowPort.Controller"/>
/// (0xffff: the whole packet, unbuffered); ignored for other ports.</param>
public sealed record OutputAction(uint Port, ushort MaxLength = 0) : OpenFlowAction
{
    /// <summary>OFPCML_NO_BUFFER: send the whole packet, do not buffer it on the switch.</summary>
    public const ushort WholePacket = 0xffff;

    public static OutputAction Normal { get; } = new(OpenFlowPort.Normal);

    public static OutputAction ToController(ushort maxLength = WholePacket) => new(OpenFlowPort.Controller, maxLength);

    public override string ToString() => Port switch
    {
        OpenFlowPort.Normal => "NORMAL",
        OpenFlowPort.Flood => "FLOOD",
        OpenFlowPort.All => "ALL",
        OpenFlowPort.InPort => "IN_PORT",
        OpenFlowPort.Local => "LOCAL",
        OpenFlowPort.Table => "TABLE",
        OpenFlowPort.Controller => string.Create(CultureInfo.InvariantCulture, $"CONTROLLER:{MaxLength}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"output:{Port}"),
    };
}
