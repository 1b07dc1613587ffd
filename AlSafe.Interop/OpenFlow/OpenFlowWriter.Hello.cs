namespace AlSafe.Interop.OpenFlow;

public sealed partial class OpenFlowWriter
{
    private const ushort HelloElementVersionBitmap = 1;

    /// <summary>OFPT_HELLO offering every version from <paramref name="min"/> to <paramref name="max"/>. The header
    /// carries the highest, the bitmap the exact set, so a 1.3.1+ peer picks the highest common version and an
    /// older peer still sees our maximum.</summary>
    public void WriteHello(uint xid, OpenFlowVersion min, OpenFlowVersion max)
    {
        if (min > max)
        {
            throw new ArgumentException($"the lowest version offered ({min}) is above the highest ({max})", nameof(min));
        }

        var start = BeginMessage(max, OpenFlowMessageType.Hello, xid);
        U16(HelloElementVersionBitmap);
        U16(8);
        var bitmap = 0u;
        for (var v = (int)min; v <= (int)max; v++)
        {
            bitmap |= 1u << v;
        }

        U32(bitmap);
        EndMessage(start);
    }
}
