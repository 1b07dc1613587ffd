using System.Text.Json;

namespace AlSafe.Core.Profiles.Isf;

/// <summary>
/// Imports a Volatility 3 symbol table (ISF JSON, as dwarf2json makes it from a kernel's DWARF) as a profile, for
/// kernels whose image carries no BTF. Only what <see cref="ProfileRequirements"/> names is kept.
/// </summary>
public static class IsfImporter
{
    public const string Source = "isf";

    /// <exception cref="FormatException">naming <paramref name="origin"/> and what is wrong: not JSON, not an ISF, a
    /// malformed entry, or a symbol, struct, member or flag the walkers need that the table lacks.</exception>
    public static KernelProfile Import(ReadOnlySpan<byte> json, string origin)
    {
        IsfDocument document;
        try
        {
            document = IsfDocument.Scan(json, origin, ProfileRequirements.Symbols.Concat(ProfileRequirements.OptionalSymbols));
        }
        catch (JsonException e)
        {
            throw new FormatException($"{origin}: not valid JSON: {e.Message}", e);
        }

        var (banner, release) = IsfBanner.Read(document, origin);
        var types = new Dictionary<string, StructLayout>(StringComparer.Ordinal);
        foreach (var name in ProfileRequirements.Structs)
        {
            if (document.UserTypes.ContainsKey(name))
            {
                types[name] = IsfLayoutBuilder.Build(
                    json,
                    document,
                    origin,
                    name,
                    ProfileRequirements.Fields.GetValueOrDefault(name, []).ToHashSet(StringComparer.Ordinal),
                    ProfileRequirements.Flags.GetValueOrDefault(name, []).ToHashSet(StringComparer.Ordinal));
            }
        }

        var profile = new KernelProfile
        {
            Release = release,
            Banner = banner,
            // An ISF identifies vmlinux by a sha256 of the file, not by the GNU build id note, so there is none to give.
            BuildId = "",
            Source = Source,
            Symbols = document.Symbols.ToDictionary(p => p.Key, p => p.Value.Address, StringComparer.Ordinal),
            Types = types,
        };

        var missing = ProfileRequirements.Missing(profile);
        if (missing.Count > 0)
        {
            throw new FormatException($"{origin}: the symbol table lacks {string.Join(", ", missing)}");
        }

        return profile;
    }
}
