using System.Text;
using System.Text.Json.Nodes;
using AlSafe.Core.Profiles;
using AlSafe.TestSupport.Synthetic;
using NUnit.Framework;

namespace AlSafe.Tests.Profiles;

/// <summary>The saved form of a profile's flags, and how a profile saved before a flag was required loads.</summary>
public sealed class KernelProfileSerializerTests
{
    [Test]
    public void Bitfields_SurviveASaveAndLoad()
    {
        var profile = SyntheticProfile.Create();

        var loaded = KernelProfileSerializer.Read(new MemoryStream(Bytes(Json(profile))), "synthetic.json");

        foreach (var (type, layout) in profile.Types)
        {
            Assert.That(loaded.Types[type].BitFields, Is.EquivalentTo(layout.BitFields), type);
        }

        Assert.That(loaded.Types["sock_common"].BitFields["skc_ipv6only"], Is.EqualTo(new BitField((0x13 * 8) + 5, 1)));
    }

    [Test]
    public void AProfileSavedBeforeTheFlag_LoadsWithoutIt_ButNoBuilderWouldMakeOne()
    {
        var json = Json(SyntheticProfile.Create());
        json["types"]!["sock_common"]!.AsObject().Remove("bitfields");

        var loaded = KernelProfileSerializer.Read(new MemoryStream(Bytes(json)), "old.json");

        Assert.That(loaded.Types["sock_common"].BitFields, Is.Empty);
        Assert.That(ProfileRequirements.MissingToWalk(loaded), Is.Empty);
        Assert.That(ProfileRequirements.Missing(loaded), Is.EqualTo(new[] { "flag sock_common.skc_ipv6only" }));
    }

    [TestCase("{\"bitOffset\": 1088, \"bitLength\": 1}", "1 bits at bit 1088 must be 1 to 64 bits inside the struct size 136")]
    [TestCase("{\"bitOffset\": 157, \"bitLength\": 0}", "0 bits at bit 157")]
    [TestCase("{\"bitOffset\": 157, \"bitLength\": 65}", "65 bits at bit 157")]
    [TestCase("{\"bitOffset\": -1, \"bitLength\": 1}", "must be an object with a bitOffset and a bitLength")]
    [TestCase("{\"bitOffset\": 157}", "must be an object with a bitOffset and a bitLength")]
    [TestCase("157", "must be an object with a bitOffset and a bitLength")]
    public void ABitfieldThatCannotBeRight_IsRefused(string bitfield, string reason)
    {
        var json = Json(SyntheticProfile.Create());
        json["types"]!["sock_common"]!["bitfields"]!["skc_ipv6only"] = JsonNode.Parse(bitfield);

        Assert.That(
            () => KernelProfileSerializer.Read(new MemoryStream(Bytes(json)), "bad.json"),
            Throws.TypeOf<FormatException>().With.Message.StartsWith("bad.json: types.sock_common.bitfields.skc_ipv6only: ").And.Message.Contains(reason));
    }

    [Test]
    public void AFlagWiderThanOneBit_IsRefused()
    {
        var json = Json(SyntheticProfile.Create());
        json["types"]!["sock_common"]!["bitfields"]!["skc_ipv6only"]!["bitLength"] = 2;

        Assert.That(
            () => KernelProfileSerializer.Read(new MemoryStream(Bytes(json)), "wide.json"),
            Throws.TypeOf<FormatException>().With.Message.Contains("lacks flag sock_common.skc_ipv6only as one bit (it is 2 bits wide)"));
    }

    [Test]
    public void BitfieldsThatAreNotAnObject_AreRefused()
    {
        var json = Json(SyntheticProfile.Create());
        json["types"]!["sock_common"]!["bitfields"] = new JsonArray();

        Assert.That(
            () => KernelProfileSerializer.Read(new MemoryStream(Bytes(json)), "array.json"),
            Throws.TypeOf<FormatException>().With.Message.EqualTo("array.json: types.sock_common.bitfields is not an object"));
    }

    private static JsonObject Json(KernelProfile profile)
    {
        using var buffer = new MemoryStream();
        KernelProfileSerializer.Write(profile, buffer);
        return JsonNode.Parse(buffer.ToArray())!.AsObject();
    }

    private static byte[] Bytes(JsonNode json) => Encoding.UTF8.GetBytes(json.ToJsonString());
}
