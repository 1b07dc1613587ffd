using System.Text;
using System.Text.Json;

namespace AlSafe.Core.Profiles.Isf;

/// <summary>The token checks every ISF reader shares, so that each failure names the origin and the JSON path.</summary>
internal static class IsfJson
{
    private const int MaxQuotedBytes = 48;

    /// <summary>Moves to the value of the property just read and checks it opens an object.</summary>
    public static void EnterObject(ref Utf8JsonReader reader, string origin, string where)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new FormatException($"{origin}: {where} is {Describe(ref reader)}, not an object");
        }
    }

    /// <summary>Moves to the value of the property just read and reads it as an unsigned 64-bit integer.</summary>
    /// <remarks>Kernel addresses lie above 2^63 and beyond the 53 bits a double holds exactly, so anything but an
    /// exact integer token (a fraction, an exponent, a sign, a value past 2^64) is refused rather than rounded.</remarks>
    public static ulong ReadUInt64(ref Utf8JsonReader reader, string origin, string where)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetUInt64(out var value))
        {
            throw new FormatException($"{origin}: {where} is {Describe(ref reader)}, not an unsigned 64-bit integer");
        }

        return value;
    }

    /// <summary>Moves to the value of the property just read and reads it as a string.</summary>
    public static string ReadString(ref Utf8JsonReader reader, string origin, string where)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new FormatException($"{origin}: {where} is {Describe(ref reader)}, not a string");
        }

        return reader.GetString()!;
    }

    /// <summary>Moves to the value of the property just read and reads it as a boolean.</summary>
    public static bool ReadBoolean(ref Utf8JsonReader reader, string origin, string where)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw new FormatException($"{origin}: {where} is {Describe(ref reader)}, not a boolean"),
        };
    }

    /// <summary>Moves past the value of the property just read, whatever it is.</summary>
    public static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.Null => "null",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.String => "a string",
        _ => Quote(reader.ValueSpan),
    };

    private static string Quote(ReadOnlySpan<byte> token) => token.Length <= MaxQuotedBytes
        ? Encoding.UTF8.GetString(token)
        : $"{Encoding.UTF8.GetString(token[..MaxQuotedBytes])}... ({token.Length} characters)";
}
