using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace AlSafe.Core.Introspection.Model;

/// <summary>
/// Reads the JSON of <c>alsafe introspect --format json</c> back into a snapshot: the connection list that
/// <c>alsafe plan</c> decides on. A document with the wrong shape is refused whole, naming the JSON path; a socket
/// whose values cannot be real (a port beyond 16 bits, an address that is not one, an unknown state) is left out and
/// its reason returned, the paper's own check on introspected values.
/// </summary>
public static class SnapshotJsonReader
{
    /// <summary>Far above any real guest (10,000 processes print about 5 MiB), so only garbage is refused.</summary>
    public const int MaxBytes = 256 << 20;

    private static readonly Dictionary<string, SocketState> States =
        Enum.GetValues<SocketState>().ToDictionary(SocketStateNames.Name, s => s, StringComparer.Ordinal);

    /// <exception cref="InvalidDataException">The document is not JSON or not a snapshot; the message names <paramref name="source"/> and where.</exception>
    public static SnapshotReadResult Read(ReadOnlyMemory<byte> json, string source)
    {
        if (json.Length > MaxBytes)
        {
            throw new InvalidDataException($"{source}: {json.Length} bytes is more than a connection list can be ({MaxBytes})");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}:{e.LineNumber + 1}:{e.BytePositionInLine + 1}: not JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            Expect(root, JsonValueKind.Object, "$", source);
            var kernel = root.TryGetProperty("kernel", out var k) ? ReadKernel(k, source) : Unknown;
            var paused = root.TryGetProperty("paused", out var p) && p.ValueKind == JsonValueKind.True;
            var processesJson = Property(root, "processes", JsonValueKind.Array, "$", source);
            var rejected = new List<string>();
            var processes = new List<GuestProcess>(processesJson.GetArrayLength());
            var index = 0;
            foreach (var process in processesJson.EnumerateArray())
            {
                processes.Add(ReadProcess(process, $"$.processes[{index++}]", source, rejected));
            }

            var snapshot = new IntrospectionSnapshot(kernel, processes, new IntrospectionTimings(TimeSpan.Zero, TimeSpan.Zero, 0), paused);
            return new SnapshotReadResult(snapshot, rejected);
        }
    }

    private static GuestKernel Unknown { get; } = new("unknown", string.Empty, string.Empty, 0, 0, 0, 4);

    private static GuestKernel ReadKernel(JsonElement k, string source)
    {
        Expect(k, JsonValueKind.Object, "$.kernel", source);
        return new GuestKernel(
            Text(k, "release", "$.kernel", source),
            OptionalText(k, "buildId"),
            OptionalText(k, "profileSource"),
            OptionalHex(k, "physicalBase"),
            OptionalHex(k, "virtualSlide"),
            OptionalHex(k, "pageOffsetBase"),
            k.TryGetProperty("pagingLevels", out var levels) && levels.TryGetInt32(out var l) ? l : 4);
    }

    private static GuestProcess ReadProcess(JsonElement p, string path, string source, List<string> rejected)
    {
        Expect(p, JsonValueKind.Object, path, source);
        var pid = Int(p, "pid", path, source);
        var comm = Text(p, "comm", path, source);
        var exe = Property(p, "exe", path, source);
        if (exe.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            throw Wrong(source, $"{path}.exe", "a string or null");
        }

        var uid = Property(p, "uid", JsonValueKind.Number, path, source);
        if (!uid.TryGetUInt32(out var uidValue))
        {
            throw Wrong(source, $"{path}.uid", "a uid (0 to 4294967295)");
        }

        var socketsJson = Property(p, "sockets", JsonValueKind.Array, path, source);
        var sockets = new List<GuestSocket>(socketsJson.GetArrayLength());
        var index = 0;
        foreach (var s in socketsJson.EnumerateArray())
        {
            var socketPath = $"{path}.sockets[{index++}]";
            Expect(s, JsonValueKind.Object, socketPath, source);
            if (TryReadSocket(s, out var socket, out var reason))
            {
                sockets.Add(socket);
            }
            else
            {
                rejected.Add($"{source}: {socketPath} (pid {pid}, {comm}): {reason}");
            }
        }

        return new GuestProcess(
            pid,
            Int(p, "tgid", path, source),
            Int(p, "ppid", path, source),
            comm,
            uidValue,
            exe.ValueKind == JsonValueKind.String ? exe.GetString() : null,
            p.TryGetProperty("kernelThread", out var kt) && kt.ValueKind == JsonValueKind.True,
            sockets,
            p.TryGetProperty("otherSockets", out var other) && other.TryGetInt32(out var o) && o >= 0 ? o : 0);
    }

    private static bool TryReadSocket(JsonElement s, out GuestSocket socket, out string reason)
    {
        socket = null!;
        if (!TryInt(s, "fd", out var fd) || fd < 0)
        {
            reason = "fd is missing or negative";
            return false;
        }

        if (!s.TryGetProperty("inode", out var inodeJson) || !inodeJson.TryGetUInt64(out var inode))
        {
            reason = "inode is missing or not a 64-bit number";
            return false;
        }

        var family = TryString(s, "family") switch
        {
            "inet" => SocketFamily.Inet,
            "inet6" => SocketFamily.Inet6,
            _ => (SocketFamily)0,
        };
        var protocol = TryString(s, "proto") switch
        {
            "tcp" => SocketProtocol.Tcp,
            "udp" => SocketProtocol.Udp,
            _ => (SocketProtocol)0,
        };
        if (family == 0 || protocol == 0)
        {
            reason = "family must be inet or inet6 and proto tcp or udp";
            return false;
        }

        if (!TryAddress(s, "localAddress", family, out var local, out reason) || !TryAddress(s, "remoteAddress", family, out var remote, out reason))
        {
            return false;
        }

        if (!TryPort(s, "localPort", out var localPort, out reason) || !TryPort(s, "remotePort", out var remotePort, out reason))
        {
            return false;
        }

        var stateName = TryString(s, "state");
        if (stateName is null || !States.TryGetValue(stateName, out var state))
        {
            reason = $"state '{stateName}' is not a kernel socket state";
            return false;
        }

        if (!TryV6Only(s, family, out var v6Only, out reason))
        {
            return false;
        }

        socket = new GuestSocket(fd, inode, family, protocol, local, localPort, remote, remotePort, state, v6Only);
        reason = string.Empty;
        return true;
    }

    /// <summary>The optional <c>v6only</c>: absent or null when unknown (lists written before it was read are).</summary>
    private static bool TryV6Only(JsonElement s, SocketFamily family, out bool? v6Only, out string reason)
    {
        v6Only = null;
        reason = string.Empty;
        if (!s.TryGetProperty("v6only", out var json) || json.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (json.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            reason = $"v6only {json.GetRawText()} is not a boolean";
            return false;
        }

        if (family != SocketFamily.Inet6)
        {
            reason = "v6only is given for an inet socket, which has no such option";
            return false;
        }

        v6Only = json.ValueKind == JsonValueKind.True;
        return true;
    }

    private static bool TryAddress(JsonElement s, string name, SocketFamily family, out IPAddress address, out string reason)
    {
        address = IPAddress.None;
        var text = TryString(s, name);
        var expected = family == SocketFamily.Inet ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
        if (text is null || text.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(text, out var parsed)
            || parsed.AddressFamily != expected || parsed.ToString() != text)
        {
            reason = $"{name} '{text}' is not an {(family == SocketFamily.Inet ? "IPv4" : "IPv6")} address in canonical form";
            return false;
        }

        address = parsed;
        reason = string.Empty;
        return true;
    }

    private static bool TryPort(JsonElement s, string name, out ushort port, out string reason)
    {
        port = 0;
        if (!s.TryGetProperty(name, out var json) || json.ValueKind != JsonValueKind.Number || !json.TryGetInt64(out var value)
            || value is < 0 or > ushort.MaxValue)
        {
            reason = $"{name} {(s.TryGetProperty(name, out var shown) ? shown.GetRawText() : "(missing)")} is not a 16-bit port";
            return false;
        }

        port = (ushort)value;
        reason = string.Empty;
        return true;
    }

    private static bool TryInt(JsonElement e, string name, out int value)
    {
        value = 0;
        return e.TryGetProperty(name, out var json) && json.ValueKind == JsonValueKind.Number && json.TryGetInt32(out value);
    }

    private static string? TryString(JsonElement e, string name) =>
        e.TryGetProperty(name, out var json) && json.ValueKind == JsonValueKind.String ? json.GetString() : null;

    private static int Int(JsonElement e, string name, string path, string source) =>
        TryInt(e, name, out var value) ? value : throw Wrong(source, $"{path}.{name}", "a 32-bit integer");

    private static string Text(JsonElement e, string name, string path, string source) =>
        TryString(e, name) ?? throw Wrong(source, $"{path}.{name}", "a string");

    private static string OptionalText(JsonElement e, string name) => TryString(e, name) ?? string.Empty;

    private static ulong OptionalHex(JsonElement e, string name) =>
        TryString(e, name) is { } text && text.StartsWith("0x", StringComparison.Ordinal)
        && ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static JsonElement Property(JsonElement e, string name, string path, string source) =>
        e.TryGetProperty(name, out var value) ? value : throw Wrong(source, $"{path}.{name}", "present");

    private static JsonElement Property(JsonElement e, string name, JsonValueKind kind, string path, string source)
    {
        var value = Property(e, name, path, source);
        Expect(value, kind, $"{path}.{name}", source);
        return value;
    }

    private static void Expect(JsonElement e, JsonValueKind kind, string path, string source)
    {
        if (e.ValueKind != kind)
        {
            throw Wrong(source, path, $"a JSON {kind.ToString().ToLowerInvariant()}");
        }
    }

    private static InvalidDataException Wrong(string source, string path, string expected) =>
        new($"{source}: {path} must be {expected}");
}
