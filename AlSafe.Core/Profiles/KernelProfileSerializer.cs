using System.Globalization;
using System.Text.Json;

namespace AlSafe.Core.Profiles;

/// <summary>
/// Reads and writes profiles as small JSON documents. Addresses are written in hex because that is how every kernel
/// tool prints them; loading is strict and names the file and the entry that is wrong.
/// </summary>
public static class KernelProfileSerializer
{
    public static void Write(KernelProfile profile, Stream destination)
    {
        // Relaxed escaping keeps "btf+kallsyms" and the banner readable; the file is data for alsafe, never HTML.
        using var w = new Utf8JsonWriter(
            destination,
            new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteNumber("format", profile.Format);
        w.WriteString("release", profile.Release);
        w.WriteString("banner", profile.Banner);
        w.WriteString("buildId", profile.BuildId);
        w.WriteString("source", profile.Source);
        w.WriteStartObject("symbols");
        foreach (var (name, address) in profile.Symbols.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WriteString(name, $"0x{address:x16}");
        }

        w.WriteEndObject();
        w.WriteStartObject("types");
        foreach (var (name, layout) in profile.Types.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            w.WriteStartObject(name);
            w.WriteNumber("size", layout.Size);
            w.WriteStartObject("fields");
            foreach (var (field, offset) in layout.Fields.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.WriteNumber(field, offset);
            }

            w.WriteEndObject();
            if (layout.BitFields.Count > 0)
            {
                w.WriteStartObject("bitfields");
                foreach (var (field, bits) in layout.BitFields.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.WriteStartObject(field);
                    w.WriteNumber("bitOffset", bits.BitOffset);
                    w.WriteNumber("bitLength", bits.BitLength);
                    w.WriteEndObject();
                }

                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void Save(KernelProfile profile, string path)
    {
        using var f = File.Create(path);
        Write(profile, f);
    }

    public static KernelProfile Load(string path)
    {
        using var f = File.OpenRead(path);
        return Read(f, path);
    }

    /// <summary>Parses a profile and checks it against <see cref="ProfileRequirements.MissingToWalk"/>.</summary>
    /// <exception cref="FormatException">naming <paramref name="origin"/> and what is wrong.</exception>
    public static KernelProfile Read(Stream source, string origin)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(source, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new FormatException($"{origin}: not a profile: {e.Message}", e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            var format = Required(root, "format", origin, JsonValueKind.Number).GetInt32();
            if (format != KernelProfile.CurrentFormat)
            {
                throw new FormatException($"{origin}: profile format {format} is not supported (expected {KernelProfile.CurrentFormat})");
            }

            var symbols = new Dictionary<string, ulong>(StringComparer.Ordinal);
            foreach (var p in Required(root, "symbols", origin, JsonValueKind.Object).EnumerateObject())
            {
                var text = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : "";
                if (!text.StartsWith("0x", StringComparison.Ordinal)
                    || !ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var address))
                {
                    throw new FormatException($"{origin}: symbols.{p.Name}: '{p.Value}' is not a 0x-prefixed hex address");
                }

                symbols[p.Name] = address;
            }

            var types = new Dictionary<string, StructLayout>(StringComparer.Ordinal);
            foreach (var t in Required(root, "types", origin, JsonValueKind.Object).EnumerateObject())
            {
                var size = Required(t.Value, "size", $"{origin}: types.{t.Name}", JsonValueKind.Number).GetUInt64();
                var fields = new Dictionary<string, ulong>(StringComparer.Ordinal);
                foreach (var f in Required(t.Value, "fields", $"{origin}: types.{t.Name}", JsonValueKind.Object).EnumerateObject())
                {
                    if (f.Value.ValueKind != JsonValueKind.Number || !f.Value.TryGetUInt64(out var offset) || offset >= size)
                    {
                        throw new FormatException($"{origin}: types.{t.Name}.{f.Name}: offset must be a number below the struct size {size}");
                    }

                    fields[f.Name] = offset;
                }

                types[t.Name] = new StructLayout(size, fields) { BitFields = BitFields(t, size, origin) };
            }

            var profile = new KernelProfile
            {
                Format = format,
                Release = Required(root, "release", origin, JsonValueKind.String).GetString()!,
                Banner = Required(root, "banner", origin, JsonValueKind.String).GetString()!,
                BuildId = Required(root, "buildId", origin, JsonValueKind.String).GetString()!,
                Source = Required(root, "source", origin, JsonValueKind.String).GetString()!,
                Symbols = symbols,
                Types = types,
            };

            // A profile saved before a flag was required still loads: what the flag says is then unknown.
            var missing = ProfileRequirements.MissingToWalk(profile);
            if (missing.Count > 0)
            {
                throw new FormatException($"{origin}: profile lacks {string.Join(", ", missing)}");
            }

            return profile;
        }
    }

    /// <summary>The optional <c>bitfields</c> of a type: each its bit offset and width, inside the struct.</summary>
    private static Dictionary<string, BitField> BitFields(JsonProperty type, ulong size, string origin)
    {
        var bitFields = new Dictionary<string, BitField>(StringComparer.Ordinal);
        if (!type.Value.TryGetProperty("bitfields", out var all))
        {
            return bitFields;
        }

        if (all.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{origin}: types.{type.Name}.bitfields is not an object");
        }

        foreach (var f in all.EnumerateObject())
        {
            var where = $"{origin}: types.{type.Name}.bitfields.{f.Name}";
            if (f.Value.ValueKind != JsonValueKind.Object
                || !f.Value.TryGetProperty("bitOffset", out var offset) || offset.ValueKind != JsonValueKind.Number
                || !offset.TryGetUInt64(out var bitOffset)
                || !f.Value.TryGetProperty("bitLength", out var length) || length.ValueKind != JsonValueKind.Number
                || !length.TryGetInt32(out var bitLength))
            {
                throw new FormatException($"{where}: must be an object with a bitOffset and a bitLength");
            }

            var bits = new BitField(bitOffset, bitLength);
            if (!bits.FitsIn(size))
            {
                throw new FormatException(
                    $"{where}: {bitLength} bits at bit {bitOffset} must be 1 to {BitField.MaxBitLength} bits inside the struct size {size}");
            }

            bitFields[f.Name] = bits;
        }

        return bitFields;
    }

    private static JsonElement Required(JsonElement parent, string name, string origin, JsonValueKind kind)
    {
        if (!parent.TryGetProperty(name, out var e) || e.ValueKind != kind)
        {
            throw new FormatException($"{origin}: '{name}' is missing or not a {kind.ToString().ToLowerInvariant()}");
        }

        return e;
    }
}
