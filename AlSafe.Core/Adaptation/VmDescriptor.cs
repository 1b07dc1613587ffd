using System.Net;

namespace AlSafe.Core.Adaptation;

/// <summary>
/// What the node knows of one VM from outside it, as its orchestrator (or a libvirt hook) wrote it in
/// /etc/alsafe/vms.d/NAME.conf: whose it is, where its memory and QMP socket are, and the addresses it owns. Nothing
/// here comes from the guest. The switch port (ofport, MAC) comes from the switch's database, not from this file.
/// </summary>
/// <param name="Name">The VM's name: the file's name without .conf, and the port's alsafe-vm external id.</param>
/// <param name="Layout">How guest-physical addresses sit in the memory file (q35, pc, flat or ranges).</param>
/// <param name="QmpSocket">The QMP socket used to pause the guest around a walk; null reads the guest live.</param>
/// <param name="Live">True when the descriptor asks for live reading even though it names a QMP socket; null keeps the
/// node's [introspection] mode.</param>
/// <param name="ProfilePath">One kernel profile file; null selects among the node's profiles automatically.</param>
/// <param name="Period">The VM's introspection period; null keeps the node's default.</param>
/// <param name="SourcePath">The descriptor file, for error and log lines.</param>
public sealed record VmDescriptor(
    string Name,
    string Tenant,
    string MemoryPath,
    string Layout,
    string? QmpSocket,
    bool? Live,
    string? ProfilePath,
    IReadOnlyList<IPAddress> Addresses,
    TimeSpan? Period,
    string SourcePath)
{
    public bool Equals(VmDescriptor? other) =>
        other is not null && Name == other.Name && Tenant == other.Tenant && MemoryPath == other.MemoryPath
        && Layout == other.Layout && QmpSocket == other.QmpSocket && Live == other.Live && ProfilePath == other.ProfilePath
        && Addresses.SequenceEqual(other.Addresses) && Period == other.Period && SourcePath == other.SourcePath;

    public override int GetHashCode() => HashCode.Combine(Name, Tenant, MemoryPath, Addresses.Count);
}
