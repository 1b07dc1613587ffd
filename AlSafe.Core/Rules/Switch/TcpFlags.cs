namespace AlSafe.Core.Rules.Switch;

/// <summary>TCP header flags; the values are the header's own bits (tcp_flags on the wire).</summary>
[Flags]
public enum TcpFlags : ushort
{
    None = 0,
    Fin = 0x001,
    Syn = 0x002,
    Rst = 0x004,
    Psh = 0x008,
    Ack = 0x010,
    Urg = 0x020,
    Ece = 0x040,
    Cwr = 0x080,
    Ns = 0x100,
}
