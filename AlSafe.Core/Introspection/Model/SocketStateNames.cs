namespace AlSafe.Core.Introspection.Model;

/// <summary>State names as the kernel's tcp_states.h spells them, used in JSON so that it round-trips exactly.</summary>
public static class SocketStateNames
{
    public static string Name(SocketState state) => state switch
    {
        SocketState.Established => "ESTABLISHED",
        SocketState.SynSent => "SYN_SENT",
        SocketState.SynRecv => "SYN_RECV",
        SocketState.FinWait1 => "FIN_WAIT1",
        SocketState.FinWait2 => "FIN_WAIT2",
        SocketState.TimeWait => "TIME_WAIT",
        SocketState.Close => "CLOSE",
        SocketState.CloseWait => "CLOSE_WAIT",
        SocketState.LastAck => "LAST_ACK",
        SocketState.Listen => "LISTEN",
        SocketState.Closing => "CLOSING",
        SocketState.NewSynRecv => "NEW_SYN_RECV",
        _ => $"STATE_{(byte)state}",
    };
}
