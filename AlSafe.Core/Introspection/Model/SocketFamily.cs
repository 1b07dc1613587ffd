namespace AlSafe.Core.Introspection.Model;

/// <summary>Address families introspection decodes; the values are Linux's AF_* numbers.</summary>
public enum SocketFamily : ushort
{
    Inet = 2,
    Inet6 = 10,
}
