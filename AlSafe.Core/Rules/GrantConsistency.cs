using System.Net;
using System.Net.Sockets;
using AlSafe.Core.Decisions;

namespace AlSafe.Core.Rules;

/// <summary>
/// Refuses grant sets that no rule can express faithfully: both rule generators check the same things, so the switch
/// and the edge refuse the same inputs.
/// </summary>
internal static class GrantConsistency
{
    public static void Check(GrantSet grants)
    {
        ArgumentNullException.ThrowIfNull(grants);
        var vm = grants.Vm;
        foreach (var address in vm.Addresses)
        {
            CheckAddress(address, $"VM {vm.Name} own address");
            if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || IsMulticast(address))
            {
                throw new ArgumentException($"VM {vm.Name}: {address} cannot be a VM's own address", nameof(grants));
            }
        }

        foreach (var grant in grants.Inbound)
        {
            CheckOwned(vm, grant.VmAddress);
            if (grant.Remote.Family != grant.VmAddress.AddressFamily)
            {
                throw new ArgumentException($"VM {vm.Name}: inbound grant to {grant.VmAddress} from {grant.Remote}, another address family", nameof(grants));
            }
        }

        foreach (var grant in grants.Outbound)
        {
            CheckOwned(vm, grant.VmAddress);
            CheckAddress(grant.RemoteAddress, $"VM {vm.Name} outbound remote");
            if (grant.RemoteAddress.AddressFamily != grant.VmAddress.AddressFamily)
            {
                throw new ArgumentException($"VM {vm.Name}: outbound grant from {grant.VmAddress} to {grant.RemoteAddress}, another address family", nameof(grants));
            }
        }
    }

    // A grant for an address the VM does not own would open another VM's traffic, or nothing at all.
    private static void CheckOwned(VmPort vm, IPAddress address)
    {
        if (!vm.Addresses.Contains(address))
        {
            throw new ArgumentException($"VM {vm.Name}: a grant names {address}, which is not one of its addresses");
        }
    }

    // The packets on the wire carry plain IPv4, never ::ffff:a.b.c.d, and no scope: a rule on either never matches.
    private static void CheckAddress(IPAddress address, string what)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            || address.IsIPv4MappedToIPv6 || address is { AddressFamily: AddressFamily.InterNetworkV6, ScopeId: not 0 })
        {
            throw new ArgumentException($"{what} {address} must be plain IPv4 or IPv6 without scope (map ::ffff:a.b.c.d to IPv4 first)");
        }
    }

    private static bool IsMulticast(IPAddress address) =>
        address.IsIPv6Multicast || (address.AddressFamily == AddressFamily.InterNetwork && (address.GetAddressBytes()[0] & 0xf0) == 0xe0);
}
