namespace AlSafe.Core.Introspection.Model;

/// <summary>The lower-case name a protocol goes by in every text the project writes (JSON, tables, hand-offs).</summary>
public static class SocketProtocolNames
{
    public static string Name(this SocketProtocol protocol) => protocol == SocketProtocol.Tcp ? "tcp" : "udp";
}
