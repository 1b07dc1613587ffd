using System.Security.Cryptography;
using System.Text.Json;

namespace AlSafe.Core.Adaptation.Handoff;

/// <summary>
/// The hand-off file: <c>{"format":"alsafe-handoff","version":1,"payload":BASE64,"mac":HEX}</c>, the MAC being
/// HMAC-SHA256 over the exact payload bytes with the key the cloud's nodes share. The payload travels as base64 so the
/// bytes the destination checks are the bytes the source sealed, whatever a JSON tool does to the file's layout.
/// Nothing of the payload is read before its MAC has been checked (in constant time), and a hand-off older than the
/// node's max_age is refused, so a file captured earlier cannot be replayed later.
/// </summary>
public static class HandoffEnvelope
{
    public const string Format = "alsafe-handoff";
    public const int Version = 1;

    /// <summary>The shortest key accepted: as long as the MAC, per RFC 2104's advice.</summary>
    public const int MinKeyBytes = 32;

    /// <summary>Far above a real VM's hand-off (a few KiB), so only garbage is refused for its size.</summary>
    public const int MaxBytes = 16 << 20;

    /// <summary>How far the destination's clock may be behind the source's before a hand-off counts as from the future.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    public static byte[] Seal(VmHandoff handoff, ReadOnlySpan<byte> key)
    {
        CheckKey(key);
        var payload = HandoffPayload.Write(handoff);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteNumber("version", Version);
            w.WriteBase64String("payload", payload);
            w.WriteString("mac", Convert.ToHexStringLower(HMACSHA256.HashData(key, payload)));
            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>Checks the file's integrity and age and reads its payload.</summary>
    /// <param name="maxAge">How long after its export a hand-off may be imported.</param>
    /// <exception cref="HandoffException">The file is refused; <see cref="HandoffException.Reason"/> says why.</exception>
    public static VmHandoff Open(ReadOnlyMemory<byte> file, ReadOnlySpan<byte> key, DateTimeOffset now, TimeSpan maxAge)
    {
        CheckKey(key);
        if (file.Length > MaxBytes)
        {
            throw new HandoffException(HandoffRefusal.Malformed, $"not a hand-off: {file.Length} bytes is more than one can be ({MaxBytes})");
        }

        var (payload, mac) = Unwrap(file);
        var expected = HMACSHA256.HashData(key, payload);
        if (!CryptographicOperations.FixedTimeEquals(expected, mac))
        {
            throw new HandoffException(HandoffRefusal.IntegrityFailed,
                "the hand-off failed its integrity check: it was changed after its export, or sealed with another key");
        }

        var handoff = HandoffPayload.Read(payload);
        var age = now - handoff.ExportedAt;
        if (age > maxAge)
        {
            throw new HandoffException(HandoffRefusal.TooOld,
                $"the hand-off of VM {handoff.Vm} was exported at {handoff.ExportedAt:O} by {handoff.SourceNode}, " +
                $"{age.TotalSeconds:0} s ago, longer than max_age ({maxAge.TotalSeconds:0} s): refused as a possible replay")
            {
                Vm = handoff.Vm,
            };
        }

        if (age < -ClockSkew)
        {
            throw new HandoffException(HandoffRefusal.TooOld,
                $"the hand-off of VM {handoff.Vm} is dated {handoff.ExportedAt:O}, {-age.TotalSeconds:0} s in this node's future: " +
                "check the nodes' clocks")
            {
                Vm = handoff.Vm,
            };
        }

        return handoff;
    }

    private static (byte[] Payload, byte[] Mac) Unwrap(ReadOnlyMemory<byte> file)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(file, new JsonDocumentOptions { MaxDepth = 4 });
        }
        catch (JsonException e)
        {
            throw new HandoffException(HandoffRefusal.Malformed, $"not a hand-off: not JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.String || format.GetString() != Format)
            {
                throw new HandoffException(HandoffRefusal.Malformed, $"not a hand-off: no \"format\": \"{Format}\"");
            }

            if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number
                || !version.TryGetInt32(out var number) || number != Version)
            {
                throw new HandoffException(HandoffRefusal.UnsupportedVersion,
                    $"hand-off version {(root.TryGetProperty("version", out var v) ? v.GetRawText() : "(none)")} is not supported: this node reads version {Version}");
            }

            if (!root.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.String
                || !payload.TryGetBytesFromBase64(out var payloadBytes))
            {
                throw new HandoffException(HandoffRefusal.Malformed, "not a hand-off: \"payload\" is not base64 text");
            }

            if (!root.TryGetProperty("mac", out var mac) || mac.ValueKind != JsonValueKind.String
                || mac.GetString() is not { Length: 64 } macText || !IsHex(macText))
            {
                throw new HandoffException(HandoffRefusal.Malformed, "not a hand-off: \"mac\" is not 64 hexadecimal digits");
            }

            return (payloadBytes, Convert.FromHexString(macText));
        }
    }

    private static bool IsHex(string text) => !text.AsSpan().ContainsAnyExcept("0123456789abcdefABCDEF");

    private static void CheckKey(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinKeyBytes)
        {
            throw new HandoffException(HandoffRefusal.NoKey, $"the migration key has {key.Length} bytes: at least {MinKeyBytes} are needed");
        }
    }
}
