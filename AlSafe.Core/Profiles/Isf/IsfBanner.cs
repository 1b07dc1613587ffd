using System.Text;

namespace AlSafe.Core.Profiles.Isf;

/// <summary>Recovers <c>linux_banner</c> and the release it names from the bytes dwarf2json stored with the
/// symbol, so that an ISF profile recognises its kernel in guest memory exactly as one built from the image does.</summary>
internal static class IsfBanner
{
    private const string Prefix = "Linux version ";

    public static (string Banner, string Release) Read(IsfDocument document, string origin)
    {
        if (!document.Symbols.TryGetValue("linux_banner", out var symbol))
        {
            throw new FormatException($"{origin}: symbols lacks linux_banner, which identifies the kernel");
        }

        var bytes = symbol.ConstantData
            ?? throw new FormatException($"{origin}: symbols.linux_banner has no constant_data to read the banner from");
        var end = bytes.AsSpan().IndexOf((byte)0);
        // Latin-1 maps each byte to one char, so the banner's exact bytes survive the trip through a string.
        var banner = Encoding.Latin1.GetString(end < 0 ? bytes : bytes.AsSpan(0, end));
        if (!banner.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new FormatException($"{origin}: linux_banner does not start with '{Prefix}'");
        }

        var rest = banner.AsSpan(Prefix.Length);
        var space = rest.IndexOf(' ');
        var release = (space < 0 ? rest : rest[..space]).ToString();
        if (release.Length == 0)
        {
            throw new FormatException($"{origin}: linux_banner names no release after '{Prefix}'");
        }

        return (banner, release);
    }
}
