using System.Buffers.Binary;
using System.Globalization;
using System.Net;

namespace AlSafe.TestSupport.Lab;

/// <summary>
/// Decodes /proc/net's "ADDRESS:PORT". The kernel prints the address as 32-bit words in host order (%08X of each
/// word), so on x86 each word's bytes are reversed; the port is printed as a plain number.
/// </summary>
public static class ProcNetAddress
{
    public static (IPAddress Address, ushort Port) Parse(string text)
    {
        var colon = text.LastIndexOf(':');
        var hex = colon > 0 ? text[..colon] : throw new FormatException($"no port in '{text}'");
        if (hex.Length is not (8 or 32))
            throw new FormatException($"address '{hex}' is neither 8 nor 32 hex digits");
        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < hex.Length / 8; word++)
        {
            var value = uint.Parse(hex.AsSpan(word * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(word * 4), value);
        }
        var port = ushort.Parse(text.AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return (new IPAddress(bytes), port);
    }
}
