using System.Text.Json;

namespace AlSafe.Interop.Ovsdb;

/// <summary>Decodes OVSDB's JSON encodings (RFC 7047 section 5.1: atoms, ["uuid", u], ["set", [...]],
/// ["map", [[k, v], ...]]) and table-updates. Anything else is an <see cref="OvsdbException"/>.</summary>
internal static class OvsdbDataDecoder
{
    public static OvsdbDatum DecodeDatum(JsonElement json) => Guarded(json, Datum);

    /// <summary>A table-updates object (the result of monitor, the second parameter of update), flattened in the
    /// order the server wrote it.</summary>
    public static List<OvsdbRowUpdate> DecodeTableUpdates(JsonElement json) => Guarded(json, TableUpdates);

    /// <summary>A JSON string's value; an escaped lone surrogate is an <see cref="OvsdbException"/>.</summary>
    public static string GetString(JsonElement json) => Guarded(json, static j => j.GetString()!);

    // Reading a string or member name that escapes a lone surrogate throws InvalidOperationException.
    private static T Guarded<T>(JsonElement json, Func<JsonElement, T> decode)
    {
        try
        {
            return decode(json);
        }
        catch (InvalidOperationException e)
        {
            throw new OvsdbException($"OVSDB sent a string that is not valid Unicode: {e.Message}", e);
        }
    }

    private static OvsdbDatum Datum(JsonElement json)
    {
        if (json.ValueKind == JsonValueKind.Array && json.GetArrayLength() == 2 && json[0].ValueKind == JsonValueKind.String)
        {
            if (json[0].ValueEquals("set"))
            {
                return OvsdbDatum.Set([.. Elements(json[1], "set").Select(DecodeAtom)]);
            }

            if (json[0].ValueEquals("map"))
            {
                return OvsdbDatum.Map([.. Elements(json[1], "map").Select(DecodePair)]);
            }
        }

        return OvsdbDatum.Set(DecodeAtom(json));
    }

    private static OvsdbAtom DecodeAtom(JsonElement json)
    {
        switch (json.ValueKind)
        {
            case JsonValueKind.String:
                return OvsdbAtom.FromString(json.GetString()!);
            case JsonValueKind.Number:
                return json.TryGetInt64(out var integer) ? OvsdbAtom.FromInteger(integer) : OvsdbAtom.FromReal(json.GetDouble());
            case JsonValueKind.True or JsonValueKind.False:
                return OvsdbAtom.FromBoolean(json.GetBoolean());
            case JsonValueKind.Array when json.GetArrayLength() == 2 && json[0].ValueKind == JsonValueKind.String &&
                                          json[0].ValueEquals("uuid") && json[1].ValueKind == JsonValueKind.String:
                return Guid.TryParseExact(json[1].GetString(), "D", out var uuid)
                    ? OvsdbAtom.FromUuid(uuid)
                    : throw new OvsdbException($"OVSDB sent a malformed UUID: {Shorten(json)}");
            default:
                throw new OvsdbException($"OVSDB sent a value that is not an atom, set or map: {Shorten(json)}");
        }
    }

    private static List<OvsdbRowUpdate> TableUpdates(JsonElement json)
    {
        var updates = new List<OvsdbRowUpdate>();
        foreach (var table in Members(json, "table-updates"))
        {
            foreach (var row in Members(table.Value, $"the updates of table {table.Name}"))
            {
                if (!Guid.TryParseExact(row.Name, "D", out var uuid))
                {
                    throw new OvsdbException($"OVSDB sent an update of table {table.Name} for a malformed row UUID '{Shorten(row.Name)}'");
                }

                IReadOnlyDictionary<string, OvsdbDatum>? old = null;
                IReadOnlyDictionary<string, OvsdbDatum>? @new = null;
                foreach (var part in Members(row.Value, "a row-update"))
                {
                    if (part.NameEquals("old"))
                    {
                        old = DecodeRow(part.Value);
                    }
                    else if (part.NameEquals("new"))
                    {
                        @new = DecodeRow(part.Value);
                    }
                }

                if (old is null && @new is null)
                {
                    throw new OvsdbException($"OVSDB sent an update of {table.Name} row {uuid} with neither old nor new");
                }

                updates.Add(new OvsdbRowUpdate(table.Name, uuid, old, @new));
            }
        }

        return updates;
    }

    private static Dictionary<string, OvsdbDatum> DecodeRow(JsonElement json)
    {
        var row = new Dictionary<string, OvsdbDatum>(StringComparer.Ordinal);
        foreach (var column in Members(json, "a row"))
        {
            row[column.Name] = DecodeDatum(column.Value);
        }

        return row;
    }

    private static KeyValuePair<OvsdbAtom, OvsdbAtom> DecodePair(JsonElement json) =>
        json.ValueKind == JsonValueKind.Array && json.GetArrayLength() == 2
            ? new(DecodeAtom(json[0]), DecodeAtom(json[1]))
            : throw new OvsdbException($"OVSDB sent a map entry that is not a [key, value] pair: {Shorten(json)}");

    private static JsonElement.ArrayEnumerator Elements(JsonElement json, string what) =>
        json.ValueKind == JsonValueKind.Array
            ? json.EnumerateArray()
            : throw new OvsdbException($"OVSDB sent a {what} whose elements are not an array: {Shorten(json)}");

    private static JsonElement.ObjectEnumerator Members(JsonElement json, string what) =>
        json.ValueKind == JsonValueKind.Object
            ? json.EnumerateObject()
            : throw new OvsdbException($"OVSDB sent {json.ValueKind} where {what} (an object) belongs");

    private static string Shorten(JsonElement json) => Shorten(json.GetRawText());

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "...";
}
