using System.Text.Json;

namespace AlSafe.Core.Profiles.Isf;

/// <summary>
/// What one pass over an ISF keeps: where each user type's JSON lies (so that only the types a profile needs are
/// ever parsed) and the few symbols asked for. The other 160,000 symbols and the base types and enums are skipped
/// token by token without being materialised.
/// </summary>
internal sealed class IsfDocument
{
    /// <summary>Longer than any symbol a profile asks for; longer names cannot be wanted and are not decoded.</summary>
    private const int MaxWantedNameLength = 256;

    private IsfDocument(IReadOnlyDictionary<string, Range> userTypes, IReadOnlyDictionary<string, IsfSymbol> symbols)
    {
        UserTypes = userTypes;
        Symbols = symbols;
    }

    /// <summary>Each user type's JSON object, as a range of the scanned document.</summary>
    public IReadOnlyDictionary<string, Range> UserTypes { get; }

    /// <summary>The wanted symbols that the document has.</summary>
    public IReadOnlyDictionary<string, IsfSymbol> Symbols { get; }

    /// <exception cref="JsonException">The document is not well-formed JSON.</exception>
    /// <exception cref="FormatException">The document is JSON but not an ISF, naming <paramref name="origin"/>.</exception>
    public static IsfDocument Scan(ReadOnlySpan<byte> json, string origin, IEnumerable<string> wantedSymbols)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new FormatException($"{origin}: an ISF is a JSON object, and this document is not one");
        }

        Dictionary<string, Range>? userTypes = null;
        Dictionary<string, IsfSymbol>? symbols = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("user_types"u8))
            {
                IsfJson.EnterObject(ref reader, origin, "user_types");
                userTypes = IndexUserTypes(ref reader, origin);
            }
            else if (reader.ValueTextEquals("symbols"u8))
            {
                IsfJson.EnterObject(ref reader, origin, "symbols");
                symbols = ReadSymbols(ref reader, origin, new HashSet<string>(wantedSymbols, StringComparer.Ordinal));
            }
            else
            {
                IsfJson.SkipValue(ref reader);
            }
        }

        // Reading on past the root object makes the reader reject anything that follows it.
        reader.Read();
        return new IsfDocument(
            userTypes ?? throw new FormatException($"{origin}: has no user_types object, so it is not an ISF symbol table"),
            symbols ?? throw new FormatException($"{origin}: has no symbols object, so it is not an ISF symbol table"));
    }

    private static Dictionary<string, Range> IndexUserTypes(ref Utf8JsonReader reader, string origin)
    {
        var index = new Dictionary<string, Range>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            IsfJson.EnterObject(ref reader, origin, $"user_types.{name}");
            var start = checked((int)reader.TokenStartIndex);
            reader.Skip();
            if (!index.TryAdd(name, start..checked((int)reader.BytesConsumed)))
            {
                throw new FormatException($"{origin}: user_types.{name} is defined twice");
            }
        }

        return index;
    }

    private static Dictionary<string, IsfSymbol> ReadSymbols(ref Utf8JsonReader reader, string origin, HashSet<string> wanted)
    {
        var lookup = wanted.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> buffer = stackalloc char[MaxWantedNameLength];
        var found = new Dictionary<string, IsfSymbol>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // A name's UTF-16 length never exceeds its UTF-8 (or escaped) length, so a short token always fits.
            if (reader.ValueSpan.Length > buffer.Length
                || !lookup.TryGetValue(buffer[..reader.CopyString(buffer)], out var name))
            {
                IsfJson.SkipValue(ref reader);
                continue;
            }

            if (!found.TryAdd(name, ReadSymbol(ref reader, origin, name)))
            {
                throw new FormatException($"{origin}: symbols.{name} is defined twice");
            }
        }

        return found;
    }

    private static IsfSymbol ReadSymbol(ref Utf8JsonReader reader, string origin, string name)
    {
        IsfJson.EnterObject(ref reader, origin, $"symbols.{name}");
        ulong? address = null;
        byte[]? constantData = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("address"u8))
            {
                address = IsfJson.ReadUInt64(ref reader, origin, $"symbols.{name}.address");
            }
            else if (reader.ValueTextEquals("constant_data"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || !reader.TryGetBytesFromBase64(out constantData))
                {
                    throw new FormatException($"{origin}: symbols.{name}.constant_data is not a base64 string");
                }
            }
            else
            {
                IsfJson.SkipValue(ref reader);
            }
        }

        return new IsfSymbol(
            address ?? throw new FormatException($"{origin}: symbols.{name} has no address"),
            constantData);
    }
}
