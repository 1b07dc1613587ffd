using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AlSafe.Core.Adaptation.Handoff;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;
using NUnit.Framework;

namespace AlSafe.Tests.Adaptation;

/// <summary>The hand-off file: what is sealed comes back whole, and every kind of tampering is refused with its reason.</summary>
[TestFixture]
public sealed class HandoffEnvelopeTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly DateTimeOffset Exported = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    /// <summary>A hand-off using every field: both address families, a listener, a client, a blocked socket.</summary>
    public static VmHandoff Sample(DateTimeOffset exportedAt) => new(
        "web1",
        "tenant",
        [IPAddress.Parse("10.0.0.5"), IPAddress.Parse("fd00::5")],
        TimeSpan.FromSeconds(5),
        "node-a",
        exportedAt,
        exportedAt - TimeSpan.FromSeconds(3),
        [
            new HandoffConnection(100, "nginx", "/usr/sbin/nginx", 33, SocketProtocol.Tcp, IPAddress.Parse("0.0.0.0"), 80,
                IPAddress.Parse("0.0.0.0"), 0, SocketState.Listen, VerdictKind.Allow, "tenant.tsv:1"),
            new HandoffConnection(200, "nc", null, 0, SocketProtocol.Udp, IPAddress.Parse("fd00::5"), 4444,
                IPAddress.Parse("fd00::9"), 53, SocketState.Established, VerdictKind.Block, "no whitelist line allows it"),
        ],
        [
            new InboundGrant(IPAddress.Parse("10.0.0.5"), SocketProtocol.Tcp, 80, AddressPrefix.Create(IPAddress.Parse("198.51.100.0"), 24), new PortRange(1024, 65535)),
            new InboundGrant(IPAddress.Parse("fd00::5"), SocketProtocol.Tcp, 443, AddressPrefix.Create(IPAddress.IPv6Any, 0), PortRange.Any),
        ],
        [new OutboundGrant(IPAddress.Parse("10.0.0.5"), 40000, SocketProtocol.Tcp, IPAddress.Parse("203.0.113.7"), 443)]);

    [Test]
    public void ASealedHandoffOpensToWhatWasSealed()
    {
        var sealedFile = HandoffEnvelope.Seal(Sample(Exported), Key);

        var opened = HandoffEnvelope.Open(sealedFile, Key, Exported + TimeSpan.FromSeconds(30), MaxAge);

        var expected = Sample(Exported);
        Assert.That((opened.Vm, opened.Tenant, opened.Period, opened.SourceNode, opened.ExportedAt, opened.LastIntrospection),
            Is.EqualTo((expected.Vm, expected.Tenant, expected.Period, expected.SourceNode, expected.ExportedAt, expected.LastIntrospection)));
        Assert.That(opened.Addresses, Is.EqualTo(expected.Addresses));
        Assert.That(opened.Connections, Is.EqualTo(expected.Connections));
        Assert.That(opened.Inbound, Is.EqualTo(expected.Inbound));
        Assert.That(opened.Outbound, Is.EqualTo(expected.Outbound));
    }

    [Test]
    public void TheFileSaysWhatItIs()
    {
        var file = JsonNode.Parse(HandoffEnvelope.Seal(Sample(Exported), Key))!.AsObject();

        Assert.That(file.Select(p => p.Key), Is.EqualTo(new[] { "format", "version", "payload", "mac" }));
        Assert.That(((string?)file["format"], (int?)file["version"]), Is.EqualTo(("alsafe-handoff", 1)));
    }

    [Test]
    public void ATamperedPayloadIsRefused()
    {
        var file = Edit(HandoffEnvelope.Seal(Sample(Exported), Key), json =>
        {
            var payload = Encoding.UTF8.GetString(Convert.FromBase64String((string)json["payload"]!));
            json["payload"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(payload.Replace("\"port\":80", "\"port\":22", StringComparison.Ordinal)));
        });

        Assert.That(Refusal(file, Key), Is.EqualTo(HandoffRefusal.IntegrityFailed));
    }

    [Test]
    public void ATamperedMacIsRefused()
    {
        var file = Edit(HandoffEnvelope.Seal(Sample(Exported), Key), json =>
        {
            var mac = (string)json["mac"]!;
            json["mac"] = (mac[0] == '0' ? "1" : "0") + mac[1..];
        });

        Assert.That(Refusal(file, Key), Is.EqualTo(HandoffRefusal.IntegrityFailed));
    }

    [Test]
    public void AnotherKeyIsRefused()
    {
        var file = HandoffEnvelope.Seal(Sample(Exported), Key);

        Assert.That(Refusal(file, RandomNumberGenerator.GetBytes(32)), Is.EqualTo(HandoffRefusal.IntegrityFailed));
    }

    [Test]
    public void AHandoffOlderThanMaxAgeIsRefused()
    {
        var file = HandoffEnvelope.Seal(Sample(Exported), Key);

        var e = Assert.Throws<HandoffException>(() => HandoffEnvelope.Open(file, Key, Exported + MaxAge + TimeSpan.FromSeconds(1), MaxAge));

        Assert.That(e!.Reason, Is.EqualTo(HandoffRefusal.TooOld));
        Assert.That(e.Vm, Is.EqualTo("web1"));
        Assert.That(e.Message, Does.Contain("max_age"));
        Assert.That(HandoffEnvelope.Open(file, Key, Exported + MaxAge, MaxAge).Vm, Is.EqualTo("web1"), "max_age itself is still in time");
    }

    [Test]
    public void AHandoffFromTheFutureBeyondClockSkewIsRefused()
    {
        var file = HandoffEnvelope.Seal(Sample(Exported), Key);

        Assert.That(Refusal(file, Key, Exported - HandoffEnvelope.ClockSkew - TimeSpan.FromSeconds(1)), Is.EqualTo(HandoffRefusal.TooOld));
        Assert.That(HandoffEnvelope.Open(file, Key, Exported - HandoffEnvelope.ClockSkew, MaxAge).Vm, Is.EqualTo("web1"));
    }

    [TestCase(2)]
    [TestCase(0)]
    public void AnotherVersionIsRefused(int version)
    {
        var file = Edit(HandoffEnvelope.Seal(Sample(Exported), Key), json => json["version"] = version);

        Assert.That(Refusal(file, Key), Is.EqualTo(HandoffRefusal.UnsupportedVersion));
    }

    [TestCase("not json")]
    [TestCase("[]")]
    [TestCase("{\"format\":\"something-else\",\"version\":1}")]
    [TestCase("{\"format\":\"alsafe-handoff\",\"version\":1,\"payload\":\"!!\",\"mac\":\"00\"}")]
    [TestCase("{\"format\":\"alsafe-handoff\",\"version\":1,\"payload\":\"e30=\",\"mac\":\"zz\"}")]
    public void AFileThatIsNoHandoffIsRefused(string text)
    {
        Assert.That(Refusal(Encoding.UTF8.GetBytes(text), Key), Is.EqualTo(HandoffRefusal.Malformed));
    }

    [Test]
    public void AnAuthenticPayloadOfTheWrongShapeIsRefused()
    {
        var payload = Encoding.UTF8.GetBytes("{\"vm\":\"web1\"}");
        var file = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["format"] = "alsafe-handoff",
            ["version"] = 1,
            ["payload"] = Convert.ToBase64String(payload),
            ["mac"] = Convert.ToHexStringLower(HMACSHA256.HashData(Key, payload)),
        }.ToJsonString());

        Assert.That(Refusal(file, Key), Is.EqualTo(HandoffRefusal.Malformed));
    }

    [Test]
    public void AShortKeyIsRefusedOnBothSides()
    {
        var shortKey = new byte[31];

        Assert.That(Assert.Throws<HandoffException>(() => HandoffEnvelope.Seal(Sample(Exported), shortKey))!.Reason, Is.EqualTo(HandoffRefusal.NoKey));
        Assert.That(Refusal(HandoffEnvelope.Seal(Sample(Exported), Key), shortKey), Is.EqualTo(HandoffRefusal.NoKey));
    }

    private static HandoffRefusal Refusal(byte[] file, byte[] key, DateTimeOffset? now = null) =>
        Assert.Throws<HandoffException>(() => HandoffEnvelope.Open(file, key, now ?? Exported, MaxAge))!.Reason;

    private static byte[] Edit(byte[] file, Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(file)!.AsObject();
        edit(json);
        return Encoding.UTF8.GetBytes(json.ToJsonString());
    }
}
