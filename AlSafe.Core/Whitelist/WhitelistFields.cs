using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AlSafe.Core.Introspection.Model;

namespace AlSafe.Core.Whitelist;

/// <summary>
/// The grammar of each whitelist column. A check returns null when the text is valid and the reason otherwise,
/// quoting the text. The grammars are strict on purpose: a form that a lenient parser would read one way and a human
/// another (<c>127.1</c>, <c>080</c>, <c>TCP</c>) is refused rather than guessed at.
/// </summary>
internal static class WhitelistFields
{
    /// <summary>The longest IPv6 text form, <c>ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255</c>.</summary>
    private const int MaxIPv6TextLength = 45;

    /// <summary>Quoted column text is cut here so that an error line stays readable.</summary>
    private const int MaxQuotedBytes = 64;

    private const uint MaxUid = uint.MaxValue - 1;

    private static readonly SearchValues<byte> VmNameBytes =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"u8);

    private static readonly SearchValues<byte> IPv6Bytes = SearchValues.Create("0123456789abcdefABCDEF:."u8);

    public static bool IsAny(ReadOnlySpan<byte> text) => text.Length == 1 && text[0] == (byte)'*';

    public static string? Blank(ReadOnlySpan<byte> text) =>
        text.IsEmpty ? "the column is empty"
        : text[0] == (byte)' ' ? "the column starts with a space"
        : text[^1] == (byte)' ' ? "the column ends with a space"
        : null;

    public static string? VmName(ReadOnlySpan<byte> text)
    {
        if (text.Length > WhitelistLimits.MaxVmNameLength)
        {
            return $"{Quote(text)} is {text.Length} bytes long; a VM name is at most {WhitelistLimits.MaxVmNameLength}";
        }

        return !char.IsAsciiLetterOrDigit((char)text[0]) || text.ContainsAnyExcept(VmNameBytes)
            ? $"{Quote(text)} is not a VM name: use letters, digits, '.', '_' and '-', starting with a letter or digit, or * for all of the tenant's VMs"
            : null;
    }

    public static string? Process(ReadOnlySpan<byte> text)
    {
        if (IsAny(text))
        {
            return "'*' is not allowed: an entry names its process, by absolute executable path or by comm name";
        }

        if (text[0] != (byte)'/')
        {
            if (text.Contains((byte)'/'))
            {
                return $"{Quote(text)} is neither an absolute path (starting with '/') nor a comm name (without '/')";
            }

            var length = GuestLength(text);
            return length <= WhitelistLimits.MaxCommBytes
                ? null
                : $"{Quote(text)} is {length} bytes long; a comm name is at most {WhitelistLimits.MaxCommBytes} (the kernel truncates it), so give the absolute executable path instead";
        }

        var components = text[1..];
        foreach (var range in components.Split((byte)'/'))
        {
            var component = components[range];
            if (component.IsEmpty)
            {
                return range.End.Value == components.Length
                    ? $"{Quote(text)} ends with '/': name the executable, not a directory"
                    : $"{Quote(text)} has an empty path component ('//')";
            }

            if (component.SequenceEqual("."u8) || component.SequenceEqual(".."u8))
            {
                return $"{Quote(text)} has a '{Encoding.ASCII.GetString(component)}' component: give the path as introspection prints it, without . or ..";
            }
        }

        return null;
    }

    public static string? Uid(ReadOnlySpan<byte> text, out uint? uid)
    {
        uid = null;
        if (IsAny(text))
        {
            return null;
        }

        if (!IsDigits(text))
        {
            return $"{Quote(text)} is not a uid: give the number (a user name would be looked up inside the guest, which is not trusted), or *";
        }

        if (HasLeadingZero(text))
        {
            return $"{Quote(text)} has a leading zero";
        }

        var value = ValueOf(text);
        if (value > MaxUid)
        {
            return $"{Quote(text)} is out of range: a uid is 0 to {MaxUid} ({uint.MaxValue} is (uid_t)-1, which is no user)";
        }

        uid = (uint)value;
        return null;
    }

    public static string? Protocol(ReadOnlySpan<byte> text, out SocketProtocol protocol)
    {
        protocol = SocketProtocol.Tcp;
        if (text.SequenceEqual("tcp"u8))
        {
            return null;
        }

        protocol = SocketProtocol.Udp;
        if (text.SequenceEqual("udp"u8))
        {
            return null;
        }

        return Ascii.EqualsIgnoreCase(text, "tcp"u8) || Ascii.EqualsIgnoreCase(text, "udp"u8)
            ? $"{Quote(text)} must be lower case: {Encoding.ASCII.GetString(text).ToLowerInvariant()}"
            : $"{Quote(text)} is not a protocol: use tcp or udp";
    }

    public static string? Direction(ReadOnlySpan<byte> text, out TrafficDirection direction)
    {
        direction = TrafficDirection.In;
        if (text.SequenceEqual("in"u8))
        {
            return null;
        }

        direction = TrafficDirection.Out;
        if (text.SequenceEqual("out"u8))
        {
            return null;
        }

        return Ascii.EqualsIgnoreCase(text, "in"u8) || Ascii.EqualsIgnoreCase(text, "out"u8)
            ? $"{Quote(text)} must be lower case: {Encoding.ASCII.GetString(text).ToLowerInvariant()}"
            : $"{Quote(text)} is not a direction: use in (the guest accepts the connection) or out (the guest opens it)";
    }

    public static string? Port(ReadOnlySpan<byte> text, out PortRange range)
    {
        range = PortRange.Any;
        if (IsAny(text))
        {
            return null;
        }

        var dash = text.IndexOf((byte)'-');
        if (dash < 0)
        {
            var error = OnePort(text, text, out var port);
            if (error is null)
            {
                range = PortRange.Single(port);
            }

            return error;
        }

        ushort last = 0;
        var problem = OnePort(text[..dash], text, out var first) ?? OnePort(text[(dash + 1)..], text, out last);
        if (problem is not null)
        {
            return problem;
        }

        if (first > last)
        {
            return $"{Quote(text)} is a reversed range: the first port must not be above the last";
        }

        range = new PortRange(first, last);
        return null;
    }

    public static string? Remote(ReadOnlySpan<byte> text, out AddressPrefix prefix)
    {
        prefix = AddressPrefix.Any;
        if (IsAny(text))
        {
            return null;
        }

        var slash = text.IndexOf((byte)'/');
        var address = Address(slash < 0 ? text : text[..slash], text, out var error);
        if (address is null)
        {
            return error;
        }

        if (slash < 0)
        {
            prefix = AddressPrefix.Host(address);
            return null;
        }

        var width = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var lengthText = text[(slash + 1)..];
        if (!IsDigits(lengthText) || HasLeadingZero(lengthText) || ValueOf(lengthText) > (ulong)width)
        {
            return $"{Quote(text)}: the prefix length of an {(width == 32 ? "IPv4" : "IPv6")} address is a number from 0 to {width}, without leading zeros";
        }

        var length = (int)ValueOf(lengthText);
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        bytes = bytes[..written];
        if (ClearHostBits(bytes, length))
        {
            return $"{Quote(text)} has host bits set; did you mean {new IPAddress(bytes)}/{length}?";
        }

        prefix = AddressPrefix.Create(address, length);
        return null;
    }

    /// <summary>Column text in quotes, cut short (on a character boundary) when long.</summary>
    public static string Quote(ReadOnlySpan<byte> text)
    {
        if (text.Length <= MaxQuotedBytes)
        {
            return $"'{Encoding.UTF8.GetString(text)}'";
        }

        var cut = MaxQuotedBytes;
        while (cut > 0 && (text[cut] & 0xC0) == 0x80)
        {
            cut--;
        }

        return $"'{Encoding.UTF8.GetString(text[..cut])}...'";
    }

    /// <summary>
    /// How many bytes of the guest's name the text stands for. Introspection prints a byte it cannot show as
    /// <c>\xNN</c>, so a comm of 15 bytes may print longer than 15; each such escape counts as the one byte it was.
    /// </summary>
    private static int GuestLength(ReadOnlySpan<byte> text)
    {
        var length = text.Length;
        var i = text.IndexOf("\\x"u8);
        while (i >= 0)
        {
            if (i + 3 < text.Length && IsLowerHex(text[i + 2]) && IsLowerHex(text[i + 3]))
            {
                length -= 3;
                i += 4;
            }
            else
            {
                i += 2;
            }

            var next = text[i..].IndexOf("\\x"u8);
            i = next < 0 ? -1 : i + next;
        }

        return length;
    }

    private static bool IsLowerHex(byte b) => char.IsAsciiDigit((char)b) || b is >= (byte)'a' and <= (byte)'f';

    private static string? OnePort(ReadOnlySpan<byte> digits, ReadOnlySpan<byte> text, out ushort port)
    {
        port = 0;
        if (!IsDigits(digits))
        {
            return $"{Quote(text)} is not a port: use a number from 1 to 65535, a range like 8000-8080, or *";
        }

        if (HasLeadingZero(digits))
        {
            return $"{Quote(text)} has a leading zero";
        }

        var value = ValueOf(digits);
        if (value == 0)
        {
            return $"{Quote(text)}: port 0 is never used by a connection; use * for any port";
        }

        if (value > ushort.MaxValue)
        {
            return $"{Quote(text)} is out of range: a port is 1 to 65535";
        }

        port = (ushort)value;
        return null;
    }

    private static IPAddress? Address(ReadOnlySpan<byte> address, ReadOnlySpan<byte> text, out string? error)
    {
        error = null;
        if (address.Contains((byte)':'))
        {
            if (address.Contains((byte)'%'))
            {
                error = $"{Quote(text)} has a zone (%...), which names an interface of the guest, not a network";
                return null;
            }

            // IPAddress.TryParse also takes brackets, ports and short IPv4 forms inside IPv6; only the plain form passes here.
            var tail = address[(address.LastIndexOf((byte)':') + 1)..];
            Span<byte> ignored = stackalloc byte[4];
            if (address.Length <= MaxIPv6TextLength && !address.ContainsAnyExcept(IPv6Bytes)
                && (!tail.Contains((byte)'.') || TryIPv4(tail, ignored))
                && IPAddress.TryParse(address, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6)
            {
                return v6;
            }
        }
        else
        {
            Span<byte> octets = stackalloc byte[4];
            if (TryIPv4(address, octets))
            {
                return new IPAddress(octets);
            }
        }

        error = $"{Quote(text)} is not an address: use IPv4 as four decimal numbers (192.0.2.1), IPv6 (2001:db8::1), either with an optional /LENGTH, or *";
        return null;
    }

    /// <summary>Exactly four decimal octets without leading zeros: none of the short, octal or hex forms inet_aton takes.</summary>
    private static bool TryIPv4(ReadOnlySpan<byte> text, Span<byte> octets)
    {
        var count = 0;
        foreach (var range in text.Split((byte)'.'))
        {
            var part = text[range];
            if (count == 4 || part.Length > 3 || !IsDigits(part) || HasLeadingZero(part) || ValueOf(part) > byte.MaxValue)
            {
                return false;
            }

            octets[count++] = (byte)ValueOf(part);
        }

        return count == 4;
    }

    /// <summary>Clears the bits below the prefix; true when any was set.</summary>
    private static bool ClearHostBits(Span<byte> bytes, int length)
    {
        var changed = false;
        for (var i = 0; i < bytes.Length; i++)
        {
            var mask = (byte)(0xFF00 >> Math.Clamp(length - (i * 8), 0, 8));
            changed |= (bytes[i] & ~mask) != 0;
            bytes[i] &= mask;
        }

        return changed;
    }

    private static bool IsDigits(ReadOnlySpan<byte> text) => !text.IsEmpty && !text.ContainsAnyExceptInRange((byte)'0', (byte)'9');

    private static bool HasLeadingZero(ReadOnlySpan<byte> digits) => digits.Length > 1 && digits[0] == (byte)'0';

    /// <summary>The value of plain digits, saturating once it is beyond every bound the columns have.</summary>
    private static ulong ValueOf(ReadOnlySpan<byte> digits)
    {
        ulong value = 0;
        foreach (var d in digits)
        {
            value = (value * 10) + (ulong)(d - '0');
            if (value > uint.MaxValue)
            {
                return value;
            }
        }

        return value;
    }
}
