using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Adaptation.Handoff;

/// <summary>
/// The JSON form of a <see cref="VmHandoff"/>, the bytes <see cref="HandoffEnvelope"/> authenticates. The reader
/// takes only what the writer writes: every field present, of its type and in range, or the payload is refused whole.
/// </summary>
public static class HandoffPayload
{
    /// <summary>The longest period a hand-off may carry, as alsafe.conf's longest.</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromHours(1);

    private static readonly Dictionary<string, SocketState> States =
        Enum.GetValues<SocketState>().ToDictionary(SocketStateNames.Name, s => s, StringComparer.Ordinal);

    public static byte[] Write(VmHandoff handoff)
    {
        ArgumentNullException.ThrowIfNull(handoff);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("vm", handoff.Vm);
            w.WriteString("tenant", handoff.Tenant);
            w.WriteStartArray("addresses");
            foreach (var address in handoff.Addresses)
            {
                w.WriteStringValue(address.ToString());
            }

            w.WriteEndArray();
            w.WriteNumber("periodMs", (long)handoff.Period.TotalMilliseconds);
            w.WriteString("sourceNode", handoff.SourceNode);
            w.WriteString("exportedAt", Time(handoff.ExportedAt));
            w.WriteString("lastIntrospection", Time(handoff.LastIntrospection));
            w.WriteStartArray("connections");
            foreach (var c in handoff.Connections)
            {
                WriteConnection(w, c);
            }

            w.WriteEndArray();
            w.WriteStartArray("inbound");
            foreach (var grant in handoff.Inbound)
            {
                w.WriteStartObject();
                w.WriteString("vmAddress", grant.VmAddress.ToString());
                w.WriteString("proto", grant.Protocol.Name());
                w.WriteNumber("port", grant.Port);
                w.WriteString("remote", grant.Remote.ToString());
                w.WriteNumber("remotePortFirst", grant.RemotePort.First);
                w.WriteNumber("remotePortLast", grant.RemotePort.Last);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("outbound");
            foreach (var grant in handoff.Outbound)
            {
                w.WriteStartObject();
                w.WriteString("vmAddress", grant.VmAddress.ToString());
                w.WriteNumber("localPort", grant.LocalPort);
                w.WriteString("proto", grant.Protocol.Name());
                w.WriteString("remoteAddress", grant.RemoteAddress.ToString());
                w.WriteNumber("remotePort", grant.RemotePort);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <exception cref="HandoffException">The payload is not a hand-off (<see cref="HandoffRefusal.Malformed"/>).</exception>
    public static VmHandoff Read(ReadOnlyMemory<byte> payload)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Malformed($"the payload is not JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            Expect(root, JsonValueKind.Object, "$");
            var vm = Text(root, "vm");
            if (!VmName.IsValid(vm))
            {
                throw Malformed($"vm '{vm}' is not a VM name");
            }

            var tenant = Text(root, "tenant");
            if (!TenantName.IsValid(tenant))
            {
                throw Malformed($"tenant '{tenant}' is not a tenant name");
            }

            var period = TimeSpan.FromMilliseconds(Number(root, "periodMs", 1, (long)MaxPeriod.TotalMilliseconds));
            var source = Text(root, "sourceNode");
            if (source.Length == 0)
            {
                throw Malformed("sourceNode is empty");
            }

            return new VmHandoff(
                vm,
                tenant,
                [.. Items(root, "addresses").Select((a, i) => Address(a, $"$.addresses[{i}]"))],
                period,
                source,
                Timestamp(root, "exportedAt"),
                Timestamp(root, "lastIntrospection"),
                [.. Items(root, "connections").Select((c, i) => ReadConnection(c, $"$.connections[{i}]"))],
                [.. Items(root, "inbound").Select((g, i) => ReadInbound(g, $"$.inbound[{i}]"))],
                [.. Items(root, "outbound").Select((g, i) => ReadOutbound(g, $"$.outbound[{i}]"))]);
        }
    }

    private static void WriteConnection(Utf8JsonWriter w, HandoffConnection c)
    {
        w.WriteStartObject();
        w.WriteNumber("pid", c.Pid);
        w.WriteString("comm", c.Comm);
        if (c.Executable is null)
        {
            w.WriteNull("exe");
        }
        else
        {
            w.WriteString("exe", c.Executable);
        }

        w.WriteNumber("uid", c.Uid);
        w.WriteString("proto", c.Protocol.Name());
        w.WriteString("localAddress", c.LocalAddress.ToString());
        w.WriteNumber("localPort", c.LocalPort);
        w.WriteString("remoteAddress", c.RemoteAddress.ToString());
        w.WriteNumber("remotePort", c.RemotePort);
        w.WriteString("state", SocketStateNames.Name(c.State));
        w.WriteString("verdict", c.Verdict == VerdictKind.Allow ? "allow" : "block");
        w.WriteString("reason", c.Reason);
        w.WriteEndObject();
    }

    private static HandoffConnection ReadConnection(JsonElement e, string path)
    {
        Expect(e, JsonValueKind.Object, path);
        var exe = Property(e, "exe", path);
        var stateName = Text(e, "state", path);
        return new HandoffConnection(
            (int)Number(e, "pid", 0, int.MaxValue, path),
            Text(e, "comm", path),
            exe.ValueKind == JsonValueKind.Null ? null : Text(e, "exe", path),
            (uint)Number(e, "uid", 0, uint.MaxValue, path),
            ReadProtocol(e, path),
            Address(Property(e, "localAddress", path), $"{path}.localAddress"),
            Port(e, "localPort", path),
            Address(Property(e, "remoteAddress", path), $"{path}.remoteAddress"),
            Port(e, "remotePort", path),
            States.TryGetValue(stateName, out var state) ? state : throw Malformed($"{path}.state: unknown state '{stateName}'"),
            Text(e, "verdict", path) switch
            {
                "allow" => VerdictKind.Allow,
                "block" => VerdictKind.Block,
                var other => throw Malformed($"{path}.verdict: '{other}' is neither allow nor block"),
            },
            Text(e, "reason", path));
    }

    private static InboundGrant ReadInbound(JsonElement e, string path)
    {
        Expect(e, JsonValueKind.Object, path);
        var remoteText = Text(e, "remote", path);
        var slash = remoteText.IndexOf('/', StringComparison.Ordinal);
        AddressPrefix remote;
        try
        {
            remote = slash < 0
                ? throw new FormatException("no length")
                : AddressPrefix.Create(IPAddress.Parse(remoteText[..slash]),
                    int.Parse(remoteText.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
        {
            throw Malformed($"{path}.remote: '{remoteText}' is not ADDRESS/LENGTH: {ex.Message}");
        }

        var first = Port(e, "remotePortFirst", path);
        var last = Port(e, "remotePortLast", path);
        if (last < first)
        {
            throw Malformed($"{path}: remotePortLast {last} is below remotePortFirst {first}");
        }

        return new InboundGrant(Address(Property(e, "vmAddress", path), $"{path}.vmAddress"), ReadProtocol(e, path),
            Port(e, "port", path), remote, new PortRange(first, last));
    }

    private static OutboundGrant ReadOutbound(JsonElement e, string path)
    {
        Expect(e, JsonValueKind.Object, path);
        return new OutboundGrant(Address(Property(e, "vmAddress", path), $"{path}.vmAddress"), Port(e, "localPort", path),
            ReadProtocol(e, path), Address(Property(e, "remoteAddress", path), $"{path}.remoteAddress"), Port(e, "remotePort", path));
    }

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static SocketProtocol ReadProtocol(JsonElement e, string path) => Text(e, "proto", path) switch
    {
        "tcp" => SocketProtocol.Tcp,
        "udp" => SocketProtocol.Udp,
        var other => throw Malformed($"{path}.proto: '{other}' is neither tcp nor udp"),
    };

    private static DateTimeOffset Timestamp(JsonElement e, string name)
    {
        var text = Text(e, name);
        return DateTimeOffset.TryParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw Malformed($"$.{name}: '{text}' is not a round-trip UTC time");
    }

    private static IPAddress Address(JsonElement e, string path)
    {
        Expect(e, JsonValueKind.String, path);
        var text = e.GetString()!;
        return IPAddress.TryParse(text, out var address) && address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
               && address.ToString() == text
            ? address
            : throw Malformed($"{path}: '{text}' is not an address in its canonical form");
    }

    private static ushort Port(JsonElement e, string name, string path) => (ushort)Number(e, name, 0, ushort.MaxValue, path);

    private static long Number(JsonElement e, string name, long min, long max, string path = "$")
    {
        var value = Property(e, name, path);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= min && number <= max
            ? number
            : throw Malformed($"{path}.{name}: a whole number from {min} to {max}");
    }

    private static string Text(JsonElement e, string name, string path = "$")
    {
        var value = Property(e, name, path);
        Expect(value, JsonValueKind.String, $"{path}.{name}");
        return value.GetString()!;
    }

    private static JsonElement.ArrayEnumerator Items(JsonElement e, string name)
    {
        var value = Property(e, name, "$");
        Expect(value, JsonValueKind.Array, $"$.{name}");
        return value.EnumerateArray();
    }

    private static JsonElement Property(JsonElement e, string name, string path) =>
        e.TryGetProperty(name, out var value) ? value : throw Malformed($"{path}.{name} is missing");

    private static void Expect(JsonElement e, JsonValueKind kind, string path)
    {
        if (e.ValueKind != kind)
        {
            throw Malformed($"{path}: a {kind.ToString().ToLowerInvariant()} was expected, not {e.ValueKind.ToString().ToLowerInvariant()}");
        }
    }

    private static HandoffException Malformed(string message) => new(HandoffRefusal.Malformed, $"not a valid hand-off: {message}");
}
