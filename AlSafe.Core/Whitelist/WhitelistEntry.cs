using AlSafe.Core.Introspection.Model;

namespace AlSafe.Core.Whitelist;

/// <summary>One line of a tenant's whitelist: which process may use which kind of connection.</summary>
/// <param name="File">The file it came from, as given to the parser.</param>
/// <param name="Line">Its 1-based line number.</param>
/// <param name="Vm">The VM name, or null for the whitelist's <c>*</c> (every VM of the tenant).</param>
/// <param name="Uid">The uid, or null for <c>*</c>.</param>
/// <param name="RemotePort">For <see cref="TrafficDirection.In"/>, the client's source port; for Out, the port connected to.</param>
public sealed record WhitelistEntry(
    string File,
    int Line,
    string? Vm,
    ProcessPattern Process,
    uint? Uid,
    SocketProtocol Protocol,
    TrafficDirection Direction,
    PortRange LocalPort,
    AddressPrefix Remote,
    PortRange RemotePort)
{
    /// <summary>Where the entry came from, as <c>file:line</c>: how a verdict names the line that allowed it.</summary>
    public string Location => $"{File}:{Line}";
}
