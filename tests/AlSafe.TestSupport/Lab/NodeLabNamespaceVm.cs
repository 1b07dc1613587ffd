using System.Net;
using AlSafe.Core.Rules;

namespace AlSafe.TestSupport.Lab;

/// <summary>A "VM" of the node lab that is a namespace on the bridge: its port carries <c>alsafe-vm=</c>
/// <paramref name="Name"/> and <c>attached-mac=</c><paramref name="Mac"/>, and it owns <paramref name="V4"/> (in
/// 192.0.2.0/24) and <paramref name="V6"/> (in fd00:a15a::/64), routed through the edge.</summary>
public sealed record NodeLabNamespaceVm(string Name, MacAddress Mac, IPAddress V4, IPAddress V6);
