using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Rules.Edge;

/// <summary>
/// Reads what <c>nft -j</c> prints about table <c>inet alsafe</c> into an <see cref="EdgeTableState"/>. The answer comes
/// from another host, so nothing in it is trusted to have the expected shape: objects of other tables, fields of the
/// wrong type and unknown statements are tolerated and reported as what they are (an element that is not readable, a
/// rule of an unknown shape), never thrown on, so a damaged table is repaired rather than left as it is. Only an answer
/// that is not nft's JSON at all is refused.
/// </summary>
public static class NftJsonReader
{
    /// <summary>nft's own documents nest about ten deep; far deeper is refused before it costs anything.</summary>
    public const int MaxDepth = 64;

    private const int MaxQuotedLength = 200;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = MaxDepth };

    /// <summary>Reads <c>nft -j list table inet alsafe</c>; <see cref="EdgeTableState.Absent"/> when it names no such table.</summary>
    public static EdgeTableState ReadTable(string json)
    {
        var chains = new List<(string Name, JsonElement Chain)>();
        var rules = new Dictionary<string, List<EdgeRuleState>>(StringComparer.Ordinal);
        var sets = new List<EdgeSetState>();
        var exists = false;
        using var document = Parse(json);
        foreach (var (kind, body) in Objects(document))
        {
            if (kind == "table")
            {
                exists |= IsOurs(body, "name");
                continue;
            }

            if (!IsOurs(body, "table"))
            {
                continue;
            }

            switch (kind)
            {
                case "set" when Text(body, "name") is { } name:
                    sets.Add(ReadSet(name, body));
                    break;
                case "chain" when Text(body, "name") is { } name:
                    chains.Add((name, body));
                    break;
                case "rule" when Text(body, "chain") is { } chain:
                    if (!rules.TryGetValue(chain, out var list))
                    {
                        rules[chain] = list = [];
                    }

                    list.Add(ReadRule(body));
                    break;
            }
        }

        if (!exists)
        {
            return EdgeTableState.Absent;
        }

        return new EdgeTableState(
            chains.Select(chain => new EdgeChainState(
                chain.Name,
                Text(chain.Chain, "type"),
                Text(chain.Chain, "hook"),
                Number(chain.Chain, "prio") is { } prio && prio is >= int.MinValue and <= int.MaxValue ? (int)prio : null,
                Text(chain.Chain, "policy"),
                rules.TryGetValue(chain.Name, out var own) ? own : [])),
            sets);
    }

    /// <summary>Reads <c>nft -j list tables</c>: whether table <c>inet alsafe</c> is among them.</summary>
    public static bool ListsTable(string json)
    {
        using var document = Parse(json);
        return Objects(document).Any(item => item.Kind == "table" && IsOurs(item.Body, "name"));
    }

    private static JsonDocument Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Options);
        }
        catch (JsonException e)
        {
            throw new FormatException($"the edge's nft answer is not JSON: {e.Message}", e);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("nftables", out var list)
            || list.ValueKind != JsonValueKind.Array)
        {
            document.Dispose();
            throw new FormatException($"the edge's nft answer is JSON but no nftables list: {Quote(json)}");
        }

        return document;
    }

    private static IEnumerable<(string Kind, JsonElement Body)> Objects(JsonDocument document)
    {
        foreach (var item in document.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            foreach (var property in item.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Object)
                {
                    yield return (property.Name, property.Value);
                }
            }
        }
    }

    private static bool IsOurs(JsonElement body, string tableField) =>
        Text(body, "family") == NftFormatter.Family && Text(body, tableField) == NftFormatter.Table;

    private static EdgeSetState ReadSet(string name, JsonElement body)
    {
        var type = body.TryGetProperty("type", out var typeValue) ? Strings(typeValue) : [];
        var flags = body.TryGetProperty("flags", out var flagsValue) ? Strings(flagsValue) : [];
        var elements = new List<EdgeElement>();
        var prefixes = new List<AddressPrefix>();
        var unreadable = new List<string>();
        if (body.TryGetProperty("elem", out var items))
        {
            var direction = name.StartsWith("svc", StringComparison.Ordinal) ? TrafficDirection.In
                : name.StartsWith("out", StringComparison.Ordinal) ? TrafficDirection.Out
                : (TrafficDirection?)null;
            foreach (var item in items.ValueKind == JsonValueKind.Array ? items.EnumerateArray() : Enumerable.Repeat(items, 1))
            {
                var value = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("elem", out var wrapped)
                    && wrapped.ValueKind == JsonValueKind.Object && wrapped.TryGetProperty("val", out var inner) ? inner : item;
                if (type is [var single] && FamilyOf(single) is { } family && ReadPrefix(value, family) is { } prefix)
                {
                    prefixes.Add(prefix);
                }
                else if (direction is { } d && type.Count == 5 && ReadElement(d, type, value) is { } element)
                {
                    elements.Add(element);
                }
                else
                {
                    unreadable.Add(Quote(item.GetRawText()));
                }
            }
        }

        return new EdgeSetState(name, type, flags, elements, prefixes, unreadable);
    }

    private static EdgeElement? ReadElement(TrafficDirection direction, IReadOnlyList<string> type, JsonElement value)
    {
        if (FamilyOf(type[0]) is not { } family || type[3] != type[0]
            || type[1] != "inet_proto" || type[2] != "inet_service" || type[4] != "inet_service"
            || value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("concat", out var concat)
            || concat.ValueKind != JsonValueKind.Array || concat.GetArrayLength() != 5)
        {
            return null;
        }

        var fields = concat.EnumerateArray().ToArray();
        return Address(fields[0], family) is { } vm
               && Protocol(fields[1]) is { } protocol
               && Ports(fields[2]) is { IsSingle: true } vmPort
               && ReadPrefix(fields[3], family) is { } remote
               && Ports(fields[4]) is { } remotePorts
            ? new EdgeElement(direction, vm, protocol, vmPort.First, remote, remotePorts)
            : null;
    }

    private static AddressPrefix? ReadPrefix(JsonElement value, AddressFamily family)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return Address(value, family) is { } host ? AddressPrefix.Host(host) : null;
        }

        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("prefix", out var prefix)
            || prefix.ValueKind != JsonValueKind.Object || !prefix.TryGetProperty("addr", out var addr)
            || Address(addr, family) is not { } network || Number(prefix, "len") is not { } length
            || length < 0 || length > (family == AddressFamily.InterNetwork ? 32 : 128))
        {
            return null;
        }

        try
        {
            return AddressPrefix.Create(network, (int)length);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    // nft prints addresses in their one canonical form; IPAddress.TryParse would also take "10.1" or a scope, which
    // nft never prints, so those are unreadable rather than guessed at.
    private static IPAddress? Address(JsonElement value, AddressFamily family)
    {
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { } text
            || !IPAddress.TryParse(text, out var address) || address.AddressFamily != family)
        {
            return null;
        }

        var plain = family == AddressFamily.InterNetwork
            ? text.Count(c => c == '.') == 3 && text.All(c => char.IsAsciiDigit(c) || c == '.')
            : text.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.');
        return plain ? address : null;
    }

    private static SocketProtocol? Protocol(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() switch
        {
            "tcp" => SocketProtocol.Tcp,
            "udp" => SocketProtocol.Udp,
            _ => null,
        },
        JsonValueKind.Number when value.TryGetInt32(out var number) => number switch
        {
            (int)SocketProtocol.Tcp => SocketProtocol.Tcp,
            (int)SocketProtocol.Udp => SocketProtocol.Udp,
            _ => null,
        },
        _ => null,
    };

    private static PortRange? Ports(JsonElement value)
    {
        if (Port(value) is { } single)
        {
            return PortRange.Single(single);
        }

        if (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("range", out var range)
            && range.ValueKind == JsonValueKind.Array && range.GetArrayLength() == 2
            && Port(range[0]) is { } first && Port(range[1]) is { } last && first <= last)
        {
            return new PortRange(first, last);
        }

        return null;
    }

    private static ushort? Port(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetUInt16(out var port) => port,
        JsonValueKind.String when ushort.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) => port,
        _ => null,
    };

    private static EdgeRuleState ReadRule(JsonElement body)
    {
        var matches = new List<string>();
        var sets = new List<string>();
        var statements = new List<string>();
        if (body.TryGetProperty("expr", out var expressions) && expressions.ValueKind == JsonValueKind.Array)
        {
            foreach (var expression in expressions.EnumerateArray())
            {
                if (expression.ValueKind != JsonValueKind.Object)
                {
                    statements.Add("?");
                    continue;
                }

                foreach (var statement in expression.EnumerateObject())
                {
                    ReadStatement(statement, matches, sets, statements);
                }
            }
        }
        else
        {
            statements.Add("?");
        }

        return new EdgeRuleState(Number(body, "handle") ?? 0, matches, sets, statements, Text(body, "comment"));
    }

    private static void ReadStatement(JsonProperty statement, List<string> matches, List<string> sets, List<string> statements)
    {
        var body = statement.Value;
        switch (statement.Name)
        {
            case "match" when body.ValueKind == JsonValueKind.Object:
                matches.Add(body.TryGetProperty("left", out var left) ? Describe(left, 0) : "?");
                if (body.TryGetProperty("right", out var right) && right.ValueKind == JsonValueKind.String
                    && right.GetString() is ['@', .. var set])
                {
                    sets.Add(set);
                }

                break;
            case "jump" or "goto":
                statements.Add($"{statement.Name} {(body.ValueKind == JsonValueKind.Object ? Text(body, "target") : null) ?? "?"}");
                break;
            default:
                statements.Add(statement.Name);
                break;
        }
    }

    // The left side of a match as nft writes it: "ip daddr", "meta l4proto", "ct state", concatenations joined by " . ".
    private static string Describe(JsonElement value, int depth)
    {
        if (depth > 8)
        {
            return "?";
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString() ?? "?";
            case JsonValueKind.Number:
                return value.GetRawText();
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    var body = property.Value;
                    return property.Name switch
                    {
                        "payload" when Text(body, "protocol") is { } protocol && Text(body, "field") is { } field => $"{protocol} {field}",
                        "meta" or "ct" when Text(body, "key") is { } key => $"{property.Name} {key}",
                        "concat" when body.ValueKind == JsonValueKind.Array =>
                            string.Join(" . ", body.EnumerateArray().Select(part => Describe(part, depth + 1))),
                        _ => property.Name,
                    };
                }

                return "?";
            default:
                return "?";
        }
    }

    private static List<string> Strings(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => [value.GetString()!],
        JsonValueKind.Array => [.. value.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? item.GetString()! : "?")],
        _ => ["?"],
    };

    private static string? Text(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static long? Number(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
        && value.TryGetInt64(out var number)
            ? number
            : null;

    private static AddressFamily? FamilyOf(string type) => type switch
    {
        "ipv4_addr" => AddressFamily.InterNetwork,
        "ipv6_addr" => AddressFamily.InterNetworkV6,
        _ => null,
    };

    private static string Quote(string text) => text.Length <= MaxQuotedLength ? text : text[..MaxQuotedLength] + "...";
}
