namespace AlSafe.Core.Introspection.Model;

/// <summary>Transport protocols; the values are IANA protocol numbers, as the kernel stores them in sk_protocol.</summary>
public enum SocketProtocol : ushort
{
    Tcp = 6,
    Udp = 17,
}
