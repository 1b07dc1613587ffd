using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Configuration;

/// <summary>
/// The value forms the configuration files share. Each reader returns null and the value, or a message saying what
/// is wrong with the text (quoted) and what would be right. The forms are strict: a value that could mean two
/// things (a duration without a unit, an address in one of inet_aton's short forms) is refused, not guessed at.
/// </summary>
public static class ConfigurationValues
{
    private const int MaxQuotedChars = 60;

    /// <summary>Seven digits keep every unit, hours included, far inside <see cref="TimeSpan"/>.</summary>
    private const int MaxDurationDigits = 7;

    private const int MaxHostNameLength = 253;

    private static readonly SearchValues<char> IPv6Chars = SearchValues.Create("0123456789abcdefABCDEF:.");

    private static readonly SearchValues<char> HostNameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.");

    /// <summary>An integer with a unit: <c>500ms</c>, <c>2s</c>, <c>5m</c>, <c>1h</c>.</summary>
    public static string? Duration(string text, out TimeSpan value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = TimeSpan.Zero;
        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }

        long? unitMilliseconds = text.AsSpan(digits) switch
        {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            _ => null,
        };
        if (digits == 0 || unitMilliseconds is null)
        {
            return digits > 0 && digits == text.Length
                ? $"{Quote(text)} has no unit: write {text}s, or use ms, m or h"
                : $"{Quote(text)} is not a duration: write an integer with a unit, ms, s, m or h (500ms, 2s, 5m, 1h)";
        }

        if (digits > MaxDurationDigits)
        {
            return $"{Quote(text)} is too long a duration: use a larger unit";
        }

        value = TimeSpan.FromMilliseconds(long.Parse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture) * unitMilliseconds.Value);
        return null;
    }

    /// <summary>A duration as <see cref="Duration"/> reads it, in its largest whole unit (<c>3600s</c> is <c>1h</c>).</summary>
    public static string FormatDuration(TimeSpan value)
    {
        var milliseconds = (long)value.TotalMilliseconds;
        return milliseconds switch
        {
            0 => "0s",
            _ when milliseconds % 3_600_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 3_600_000}h"),
            _ when milliseconds % 60_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 60_000}m"),
            _ when milliseconds % 1_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 1_000}s"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{milliseconds}ms"),
        };
    }

    /// <summary><c>true</c>, <c>false</c>, <c>yes</c> or <c>no</c>, in lower case.</summary>
    public static string? Boolean(string text, out bool value)
    {
        ArgumentNullException.ThrowIfNull(text);
        (var known, value) = text switch
        {
            "true" or "yes" => (true, true),
            "false" or "no" => (true, false),
            _ => (false, false),
        };
        return known ? null : $"{Quote(text)} is not a boolean: use true, false, yes or no";
    }

    /// <summary>A decimal integer from <paramref name="minimum"/> to <paramref name="maximum"/>, digits only.</summary>
    public static string? Integer(string text, int minimum, int maximum, out int value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = 0;
        if (text.Length is > 0 and <= 10 && !text.AsSpan().ContainsAnyExceptInRange('0', '9')
            && long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture) is var number && number >= minimum && number <= maximum)
        {
            value = (int)number;
            return null;
        }

        return string.Create(CultureInfo.InvariantCulture, $"{Quote(text)} is not an integer from {minimum} to {maximum}");
    }

    /// <summary>A path from the root, <c>/</c> first: the daemon's working directory is no place to look for files.</summary>
    public static string? AbsolutePath(string text, out string value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = text;
        return text.StartsWith('/') ? null : $"{Quote(text)} is not an absolute path: it must start with /";
    }

    /// <summary>Items separated by commas, the blanks around each trimmed; an empty item is refused.</summary>
    public static string? List(string text, out IReadOnlyList<string> items)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        items = parts;
        return parts.Any(part => part.Length == 0) ? $"{Quote(text)} has an empty item: separate items with one comma" : null;
    }

    /// <summary>
    /// An IPv4 address as four decimal numbers without leading zeros, or an IPv6 address without zone or brackets.
    /// An IPv4-mapped IPv6 address is refused: sockets and rules hold such an address as IPv4, so it would match nothing.
    /// </summary>
    public static string? Address(string text, out IPAddress value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = IPAddress.None;
        if (text.Contains('%', StringComparison.Ordinal))
        {
            return $"{Quote(text)} has a zone (%...): a zone names an interface of this host, not an address on the network";
        }

        if (!TryAddress(text, out var address))
        {
            return $"{Quote(text)} is not an address: use IPv4 as four decimal numbers (192.0.2.1) or IPv6 (2001:db8::1)";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return $"{Quote(text)} is an IPv4-mapped IPv6 address: write it as IPv4, {address.MapToIPv4()}";
        }

        value = address;
        return null;
    }

    /// <summary>A network as <c>ADDRESS/LENGTH</c>, without host bits below the length.</summary>
    public static string? Prefix(string text, out AddressPrefix value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = AddressPrefix.Any;
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return $"{Quote(text)} is not a prefix: write ADDRESS/LENGTH, such as 192.0.2.0/24 or fd00:a15a::/64";
        }

        var error = Address(text[..slash], out var address);
        if (error is not null)
        {
            return error;
        }

        var width = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var lengthText = text.AsSpan(slash + 1);
        if (lengthText.IsEmpty || lengthText.Length > 3 || lengthText.ContainsAnyExceptInRange('0', '9')
            || (lengthText.Length > 1 && lengthText[0] == '0')
            || int.Parse(lengthText, NumberStyles.None, CultureInfo.InvariantCulture) is var length && length > width)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"{Quote(text)}: the length of an {(width == 32 ? "IPv4" : "IPv6")} prefix is a number from 0 to {width}, without leading zeros");
        }

        var network = NetworkOf(address, length);
        if (!network.Equals(address))
        {
            return string.Create(CultureInfo.InvariantCulture, $"{Quote(text)} has host bits set; did you mean {network}/{length}?");
        }

        value = AddressPrefix.Create(address, length);
        return null;
    }

    /// <summary>A host to connect to: an address as <see cref="Address"/> takes it, or a DNS name.</summary>
    public static string? Host(string text, out string value)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = text;
        if (text.Contains(':', StringComparison.Ordinal) || IsDottedDigits(text))
        {
            return Address(text, out _);
        }

        return IsHostName(text)
            ? null
            : $"{Quote(text)} is neither an address nor a host name (letters, digits and '-' in dot-separated labels)";
    }

    /// <summary>Value text in quotes, cut short when long.</summary>
    public static string Quote(string text) =>
        text.Length <= MaxQuotedChars ? $"'{text}'" : $"'{text.AsSpan(0, MaxQuotedChars)}...'";

    private static bool TryAddress(string text, out IPAddress address)
    {
        address = IPAddress.None;
        if (text.Contains(':', StringComparison.Ordinal))
        {
            // IPAddress.TryParse also takes brackets, ports and scope ids; only the plain form passes here.
            var tail = text[(text.LastIndexOf(':') + 1)..];
            if (text.AsSpan().ContainsAnyExcept(IPv6Chars) || (tail.Contains('.', StringComparison.Ordinal) && !IsDottedQuad(tail))
                || !IPAddress.TryParse(text, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            address = v6;
            return true;
        }

        if (!IsDottedQuad(text))
        {
            return false;
        }

        address = IPAddress.Parse(text);
        return true;
    }

    /// <summary>Exactly four decimal octets without leading zeros: none of the short, octal or hex forms inet_aton takes.</summary>
    private static bool IsDottedQuad(string text)
    {
        var count = 0;
        foreach (var range in text.AsSpan().Split('.'))
        {
            var part = text.AsSpan()[range];
            if (count == 4 || part.IsEmpty || part.Length > 3 || part.ContainsAnyExceptInRange('0', '9')
                || (part.Length > 1 && part[0] == '0') || int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }

            count++;
        }

        return count == 4;
    }

    /// <summary>Digits and dots only: meant as an IPv4 address, so it is not taken for a host name.</summary>
    private static bool IsDottedDigits(string text) => text.Length > 0 && !text.AsSpan().ContainsAnyExcept("0123456789.");

    private static bool IsHostName(string text)
    {
        if (text.Length is 0 or > MaxHostNameLength || text.AsSpan().ContainsAnyExcept(HostNameChars))
        {
            return false;
        }

        foreach (var range in text.AsSpan().Split('.'))
        {
            var label = text.AsSpan()[range];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }
        }

        return true;
    }

    private static IPAddress NetworkOf(IPAddress address, int length)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        bytes = bytes[..written];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] &= (byte)(0xFF00 >> Math.Clamp(length - (i * 8), 0, 8));
        }

        return new IPAddress(bytes);
    }
}
