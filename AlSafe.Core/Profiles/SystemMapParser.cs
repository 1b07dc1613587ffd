using System.Globalization;

namespace AlSafe.Core.Profiles;

/// <summary>
/// Reads System.map ("ADDRESS TYPE NAME" lines, as nm prints them). Debian's kernel packages carry a one-line stub
/// that points at the -dbg package instead; a map without <c>_text</c> is treated as such a stub.
/// </summary>
public static class SystemMapParser
{
    /// <summary>Parses <paramref name="text"/>; returns false for a stub or empty map. The first occurrence of a
    /// name wins, as later ones are static symbols of other files.</summary>
    /// <exception cref="FormatException">A line is not "ADDRESS TYPE NAME"; the message gives its number.</exception>
    public static bool TryParse(string text, out IReadOnlyDictionary<string, ulong> symbols)
    {
        var map = new Dictionary<string, ulong>(StringComparer.Ordinal);
        var lineNumber = 0;
        Span<Range> parts = stackalloc Range[4];
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            if (line.IsWhiteSpace())
            {
                continue;
            }

            var n = line.Split(parts, ' ', StringSplitOptions.RemoveEmptyEntries);
            if (n < 3
                || line[parts[1]].Length != 1
                || !ulong.TryParse(line[parts[0]], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var address))
            {
                throw new FormatException($"System.map line {lineNumber}: '{line}' is not 'ADDRESS TYPE NAME'");
            }

            map.TryAdd(line[parts[2]].ToString(), address);
        }

        symbols = map;
        return map.ContainsKey("_text");
    }
}
