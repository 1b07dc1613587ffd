using System.Globalization;

namespace AlSafe.Core.Rules;

/// <summary>An Ethernet address, printed the way Open vSwitch and nftables write it (lower-case, colon-separated).</summary>
public readonly record struct MacAddress(ulong Value)
{
    /// <summary>Parses <c>xx:xx:xx:xx:xx:xx</c> (hex digits, either case); anything else is refused.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out MacAddress mac)
    {
        mac = default;
        if (text.Length != 17)
        {
            return false;
        }

        ulong value = 0;
        for (var i = 0; i < 6; i++)
        {
            if (i > 0 && text[(i * 3) - 1] != ':')
            {
                return false;
            }

            if (!byte.TryParse(text.Slice(i * 3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var octet))
            {
                return false;
            }

            value = (value << 8) | octet;
        }

        mac = new MacAddress(value);
        return true;
    }

    public static MacAddress Parse(string text) =>
        TryParse(text, out var mac) ? mac : throw new FormatException($"'{text}' is not a MAC address (xx:xx:xx:xx:xx:xx)");

    /// <summary>True for group (multicast and broadcast) addresses, which a VM may never use as its source.</summary>
    public bool IsMulticast => ((Value >> 40) & 1) != 0;

    public override string ToString() => string.Create(17, Value, static (span, value) =>
    {
        for (var i = 0; i < 6; i++)
        {
            var octet = (byte)(value >> (40 - (8 * i)));
            if (i > 0)
            {
                span[(i * 3) - 1] = ':';
            }

            octet.TryFormat(span.Slice(i * 3, 2), out _, "x2", CultureInfo.InvariantCulture);
        }
    });
}
