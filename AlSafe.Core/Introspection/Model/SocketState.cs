namespace AlSafe.Core.Introspection.Model;

/// <summary>The kernel's sk_state values (include/net/tcp_states.h). UDP uses Established when connected and Close when not.</summary>
public enum SocketState : byte
{
    Established = 1,
    SynSent = 2,
    SynRecv = 3,
    FinWait1 = 4,
    FinWait2 = 5,
    TimeWait = 6,
    Close = 7,
    CloseWait = 8,
    LastAck = 9,
    Listen = 10,
    Closing = 11,
    NewSynRecv = 12,
}
