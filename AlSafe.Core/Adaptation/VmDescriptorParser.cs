using System.Net;
using System.Net.Sockets;
using AlSafe.Core.Configuration;
using AlSafe.Core.Introspection.Memory;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Adaptation;

/// <summary>
/// Reads a VM descriptor, <c>/etc/alsafe/vms.d/NAME.conf</c>: one <c>[vm]</c> section with <c>tenant</c>,
/// <c>memory</c>, <c>layout</c>, <c>qmp</c>, <c>mode</c>, <c>profile</c>, <c>addresses</c> and <c>period</c>
/// (packaging/vm.conf.example documents each). The file's name is the VM's name. Unknown sections and keys are
/// errors: a misspelt key must not leave a VM with a setting its operator did not mean.
/// </summary>
public static class VmDescriptorParser
{
    public const string SectionName = "vm";
    public const string DefaultLayout = "q35";

    /// <summary>The layout named ones are checked with: any size gives q35, pc and flat a valid layout.</summary>
    private const ulong NominalRamSize = 1UL << 30;

    private static readonly string[] Keys = ["tenant", "memory", "layout", "qmp", "mode", "profile", "addresses", "period"];

    public static TimeSpan MinPeriod { get; } = TimeSpan.FromSeconds(1);

    public static TimeSpan MaxPeriod { get; } = TimeSpan.FromHours(1);

    public static VmDescriptorParseResult ParseFile(string path) => Read(IniParser.ParseFile(path));

    /// <summary>Parses a descriptor's text; <paramref name="path"/> gives the VM's name and names the file in errors.</summary>
    public static VmDescriptorParseResult Parse(string path, string text) => Read(IniParser.Parse(path, text));

    private static VmDescriptorParseResult Read(IniParseResult parsed)
    {
        var document = new IniDocumentReader(parsed, [SectionName]);
        var errors = document.Errors;
        var path = document.Path;
        if (!VmName.TryFromPath(path, out var name))
        {
            errors.Add(0, null, null,
                $"'{Path.GetFileName(path)}' does not name a VM: a descriptor is NAME{VmName.FileExtension}, NAME being 1 to 64 of " +
                "A-Z, a-z, 0-9, '.', '_' and '-', starting with a letter or digit");
        }

        // A file that could not be read at all has nothing more to say.
        if (parsed.Errors.Any(error => error.Line == 0))
        {
            return VmDescriptorParseResult.Invalid(path, name, errors.ToList());
        }

        if (!document.Has(SectionName))
        {
            errors.Add(0, SectionName, null, "is missing: a descriptor is one [vm] section");
            return VmDescriptorParseResult.Invalid(path, name, errors.ToList());
        }

        var vm = document.Section(SectionName, Keys);
        vm.TryReadRequired<string>("tenant", Tenant, out var tenant);
        var memory = vm.RequiredPath("memory");
        var layout = vm.TryRead<string>("layout", Layout, out var readLayout) ? readLayout : DefaultLayout;
        var qmp = vm.OptionalPath("qmp");
        bool? live = vm.OptionalChoice("mode", "pause", "live") switch
        {
            "live" => true,
            "pause" => false,
            _ => null,
        };
        if (live == false && qmp is null && !vm.Has("qmp"))
        {
            vm.Error("mode", "'pause' needs qmp, the QMP socket through which the guest is paused");
        }

        vm.TryRead<string?>("profile", Profile, out var profile);
        vm.TryReadRequired<IReadOnlyList<IPAddress>>("addresses", Addresses, out var addresses);
        var period = vm.OptionalDuration("period", MinPeriod, MaxPeriod);
        if (errors.Count > 0)
        {
            return VmDescriptorParseResult.Invalid(path, name, errors.ToList());
        }

        return VmDescriptorParseResult.Valid(new VmDescriptor(name!, tenant, memory!, layout, qmp, live, profile, addresses, period, path));
    }

    private static string? Tenant(string text, out string value)
    {
        value = text;
        return TenantName.IsValid(text)
            ? null
            : $"{ConfigurationValues.Quote(text)} is not a tenant name: 1 to {WhitelistLimits.MaxTenantLength} of a-z, 0-9, '_' and '-', " +
              "starting with a letter or digit (the tenant's whitelist is TENANT.tsv)";
    }

    /// <summary>
    /// q35, pc, flat or explicit ranges, checked here as the memory opener will read them, so that a wrong layout is
    /// refused when the descriptor is loaded rather than at each introspection.
    /// </summary>
    private static string? Layout(string text, out string value)
    {
        value = text;
        if (text.Any(c => c is <= ' ' or > '~'))
        {
            return $"{ConfigurationValues.Quote(text)} is not a layout: it is printable ASCII without spaces";
        }

        try
        {
            PhysicalLayout.Parse(text, NominalRamSize);
            return null;
        }
        catch (FormatException e)
        {
            return $"{ConfigurationValues.Quote(text)} is not a layout ({e.Message}): use q35, pc, flat, or ranges " +
                   "GUESTSTART+LENGTH@OFFSET,... in hexadecimal";
        }
        catch (ArgumentException)
        {
            return $"{ConfigurationValues.Quote(text)} is not a layout: its ranges are all empty, or overlap";
        }
    }

    private static string? Profile(string text, out string? value)
    {
        value = text == "auto" ? null : text;
        return text == "auto" || text.StartsWith('/')
            ? null
            : $"{ConfigurationValues.Quote(text)} is neither auto nor an absolute path to a profile file";
    }

    private static string? Addresses(string text, out IReadOnlyList<IPAddress> value)
    {
        value = [];
        var error = ConfigurationValues.List(text, out var items);
        if (error is not null)
        {
            return error;
        }

        var addresses = new List<IPAddress>(items.Count);
        foreach (var item in items)
        {
            error = ConfigurationValues.Address(item, out var address);
            if (error is not null)
            {
                return error;
            }

            if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || IsMulticast(address) || address.Equals(IPAddress.Broadcast))
            {
                return $"{ConfigurationValues.Quote(item)} cannot be a VM's own address";
            }

            if (addresses.Contains(address))
            {
                return $"{ConfigurationValues.Quote(item)} is listed twice";
            }

            addresses.Add(address);
        }

        value = addresses;
        return null;
    }

    private static bool IsMulticast(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6
        ? address.IsIPv6Multicast
        : address.GetAddressBytes()[0] is >= 224 and <= 239;
}
