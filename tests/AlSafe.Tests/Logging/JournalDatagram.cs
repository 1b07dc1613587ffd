using System.Buffers.Binary;
using System.Text;

namespace AlSafe.Tests.Logging;

/// <summary>Reads an entry in the native journal encoding back into its fields, as journald's parser does, failing on
/// anything malformed so that the tests see framing errors rather than shifted fields.</summary>
internal static class JournalDatagram
{
    public static List<KeyValuePair<string, string>> Parse(ReadOnlySpan<byte> entry)
    {
        var fields = new List<KeyValuePair<string, string>>();
        while (!entry.IsEmpty)
        {
            var end = entry.IndexOfAny((byte)'=', (byte)'\n');
            if (end <= 0)
            {
                throw new FormatException($"a field without a name at {Encoding.UTF8.GetString(entry[..Math.Min(40, entry.Length)])}");
            }

            var name = Encoding.ASCII.GetString(entry[..end]);
            if (entry[end] == '=')
            {
                var rest = entry[(end + 1)..];
                var newline = rest.IndexOf((byte)'\n');
                if (newline < 0)
                {
                    throw new FormatException($"{name}: the text value does not end with a newline");
                }

                fields.Add(new(name, Encoding.UTF8.GetString(rest[..newline])));
                entry = rest[(newline + 1)..];
            }
            else
            {
                var rest = entry[(end + 1)..];
                var length = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(rest));
                rest = rest[sizeof(ulong)..];
                if (rest.Length <= length || rest[length] != '\n')
                {
                    throw new FormatException($"{name}: the binary value of {length} bytes is not followed by a newline");
                }

                fields.Add(new(name, Encoding.UTF8.GetString(rest[..length])));
                entry = rest[(length + 1)..];
            }
        }

        return fields;
    }

    /// <summary>The one value of <paramref name="name"/>; fails when it is missing or repeated.</summary>
    public static string Single(this List<KeyValuePair<string, string>> fields, string name) =>
        fields.Where(field => field.Key == name).Select(field => field.Value).Single();
}
