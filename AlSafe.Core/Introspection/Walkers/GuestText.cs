using System.Text;

namespace AlSafe.Core.Introspection.Walkers;

/// <summary>
/// Turns guest bytes into text that is safe to print, log and compare: the guest chooses these bytes, so control,
/// format (bidirectional overrides, zero-width), line and paragraph separator and private-use characters, invalid
/// UTF-8 and backslashes are written as \xNN and cannot forge or disguise log lines or collide with a legitimate name.
/// </summary>
public static class GuestText
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes up to the first NUL (or the whole span).</summary>
    public static string FromCString(ReadOnlySpan<byte> bytes)
    {
        var nul = bytes.IndexOf((byte)0);
        return Decode(nul >= 0 ? bytes[..nul] : bytes);
    }

    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (IsPlain(bytes))
        {
            return Encoding.ASCII.GetString(bytes);
        }

        try
        {
            var text = StrictUtf8.GetString(bytes);
            if (!text.Any(IsUnsafe))
            {
                return text;
            }
        }
        catch (DecoderFallbackException)
        {
        }

        var sb = new StringBuilder(bytes.Length * 4);
        foreach (var b in bytes)
        {
            if (b is >= 0x20 and < 0x7F and not (byte)'\\')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    private static bool IsUnsafe(char c) => c == '\\' || char.GetUnicodeCategory(c) is
        System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
        or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator
        or System.Globalization.UnicodeCategory.PrivateUse or System.Globalization.UnicodeCategory.Surrogate
        or System.Globalization.UnicodeCategory.OtherNotAssigned;

    private static bool IsPlain(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is < 0x20 or >= 0x7F or (byte)'\\')
            {
                return false;
            }
        }

        return true;
    }
}
