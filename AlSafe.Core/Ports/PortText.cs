namespace AlSafe.Core.Ports;

/// <summary>Quotes database strings for messages: external_ids hold any Unicode, and a refusal reason must not carry
/// line breaks or control characters into a log.</summary>
internal static class PortText
{
    private const int MaxShown = 80;

    public static string Quote(string text)
    {
        var shown = text.Length > MaxShown ? text[..MaxShown] : text;
        var quoted = string.Concat(shown.Select(c => c is >= ' ' and <= '~' and not '\\' and not '\'' ? c.ToString() : $"\\u{(int)c:x4}"));
        return text.Length > MaxShown ? $"'{quoted}'... ({text.Length} characters)" : $"'{quoted}'";
    }
}
