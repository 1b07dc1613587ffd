namespace AlSafe.Core.Rules.Switch;

/// <summary>A tcp_flags match: the flags under <paramref name="Mask"/> must equal <paramref name="Bits"/>.</summary>
public readonly record struct TcpFlagsMatch(TcpFlags Bits, TcpFlags Mask)
{
    /// <summary>SYN without ACK (<c>tcp_flags=+syn-ack</c>): the segment that opens a connection, and only that one,
    /// whatever its retransmissions; a SYN-ACK answers one.</summary>
    public static TcpFlagsMatch Opening { get; } = new(TcpFlags.Syn, TcpFlags.Syn | TcpFlags.Ack);
}
