using AlSafe.Core.Profiles.Btf;
using AlSafe.Core.Profiles.Elf;
using AlSafe.Core.Profiles.Kallsyms;

namespace AlSafe.Core.Profiles;

/// <summary>
/// Builds a <see cref="KernelProfile"/> from a vmlinux ELF alone: struct layouts from its .BTF section, symbol
/// addresses from System.map when a real one is given, else from the image's own kallsyms tables.
/// </summary>
public static class ProfileBuilder
{
    private const int MaxBannerLength = 1024;

    /// <param name="vmlinux">The uncompressed kernel ELF.</param>
    /// <param name="systemMap">The text of System.map, or null; Debian's stub is recognised and ignored.</param>
    /// <exception cref="InvalidDataException">The image lacks BTF, kallsyms or something the walkers need; the
    /// message says what.</exception>
    public static KernelProfile Build(ReadOnlyMemory<byte> vmlinux, string? systemMap = null)
    {
        var elf = new ElfImage(vmlinux);
        if (!elf.TryGetSection(".BTF", out _))
        {
            throw new InvalidDataException("the kernel image has no .BTF section: built without CONFIG_DEBUG_INFO_BTF");
        }

        var (lookup, source) = SymbolSource(elf, systemMap);
        var symbols = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var name in ProfileRequirements.Symbols.Concat(ProfileRequirements.OptionalSymbols))
        {
            if (lookup(name) is { } address)
            {
                symbols[name] = address;
            }
        }

        var types = Types(new BtfReader(elf.SectionData(".BTF")));
        var banner = symbols.TryGetValue("linux_banner", out var bannerAddress)
            ? elf.ReadCString(bannerAddress, MaxBannerLength)
            : "";
        var profile = new KernelProfile
        {
            Release = banner.Length == 0 ? "" : Release(banner),
            Banner = banner,
            BuildId = elf.BuildId(),
            Source = source,
            Symbols = symbols,
            Types = types,
        };

        var missing = ProfileRequirements.Missing(profile);
        return missing.Count == 0
            ? profile
            : throw new InvalidDataException($"the kernel image lacks what introspection needs: {string.Join(", ", missing)}");
    }

    private static (Func<string, ulong?> Lookup, string Source) SymbolSource(ElfImage elf, string? systemMap)
    {
        if (systemMap is not null && SystemMapParser.TryParse(systemMap, out var map))
        {
            return (name => map.TryGetValue(name, out var a) ? a : null, "btf+system.map");
        }

        var kallsyms = KallsymsDecoder.Decode(elf.SectionData(".rodata").Span);
        return (name => kallsyms.TryGetAddress(name, out var a) ? a : null, "btf+kallsyms");
    }

    private static Dictionary<string, StructLayout> Types(BtfReader btf)
    {
        var ids = btf.FindStructs(ProfileRequirements.Structs);
        var types = new Dictionary<string, StructLayout>(StringComparer.Ordinal);
        foreach (var name in ProfileRequirements.Structs)
        {
            if (!ids.TryGetValue(name, out var id))
            {
                continue;
            }

            var layout = btf.Layout(id);
            var fields = new Dictionary<string, ulong>(StringComparer.Ordinal);
            foreach (var field in ProfileRequirements.Fields.GetValueOrDefault(name, []))
            {
                if (layout.Fields.TryGetValue(field, out var offset))
                {
                    fields[field] = offset;
                }
            }

            var flags = new Dictionary<string, BitField>(StringComparer.Ordinal);
            foreach (var flag in ProfileRequirements.Flags.GetValueOrDefault(name, []))
            {
                if (layout.BitFields.TryGetValue(flag, out var bits))
                {
                    flags[flag] = bits;
                }
            }

            types[name] = new StructLayout(layout.Size, fields) { BitFields = flags };
        }

        return types;
    }

    /// <summary>The banner reads "Linux version RELEASE (builder) ..."; the release is its third word.</summary>
    private static string Release(string banner)
    {
        var words = banner.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
        return words.Length >= 3 && words[0] == "Linux" && words[1] == "version"
            ? words[2]
            : throw new InvalidDataException($"linux_banner does not read 'Linux version RELEASE ...': '{banner}'");
    }
}
