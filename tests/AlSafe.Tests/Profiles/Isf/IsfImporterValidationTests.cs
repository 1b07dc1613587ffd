using System.Text;
using System.Text.Json.Nodes;
using AlSafe.Core.Profiles;
using AlSafe.Core.Profiles.Isf;
using NUnit.Framework;

namespace AlSafe.Tests.Profiles.Isf;

/// <summary>Each broken input is refused with a message that names the file and what is wrong with it.</summary>
[TestFixture]
public sealed class IsfImporterValidationTests
{
    private const string Origin = "sample.isf.json";

    [Test]
    public void The_sample_imports_and_flattens_through_two_anonymous_levels()
    {
        var profile = IsfImporter.Import(IsfSample.Bytes(IsfSample.Create()), Origin);
        Assert.Multiple(() =>
        {
            Assert.That(profile.Release, Is.EqualTo("6.1.0-test"));
            Assert.That(profile.Banner, Is.EqualTo(IsfSample.Banner));
            Assert.That(profile.Types["qstr"].Fields["len"], Is.EqualTo(4UL));
            Assert.That(profile.Symbols.ContainsKey("__pgtable_l5_enabled"), Is.False);
        });
    }

    [Test]
    public void A_flag_is_the_bit_offset_of_its_storage_unit_plus_its_bit_position()
    {
        var isf = IsfSample.Create();
        var flag = isf["user_types"]!["sock_common"]!["fields"]!["skc_ipv6only"]!;
        var storage = (ulong)flag["offset"]!.GetValue<long>();

        var profile = IsfImporter.Import(IsfSample.Bytes(isf), Origin);

        Assert.That(
            profile.Types["sock_common"].BitFields["skc_ipv6only"],
            Is.EqualTo(new BitField((storage * 8) + IsfSample.FlagBitPosition, 1)));
        Assert.That(profile.Types["sock_common"].Fields, Does.Not.ContainKey("skc_ipv6only"));
    }

    [Test]
    public void A_flag_in_a_wider_storage_unit_counts_from_its_lowest_bit()
    {
        var isf = IsfSample.Create();
        var flag = isf["user_types"]!["sock_common"]!["fields"]!["skc_ipv6only"]!;
        var storage = (ulong)flag["offset"]!.GetValue<long>();
        flag["offset"] = storage - 4;
        flag["type"] = IsfSample.BitField(32 + 5, 1);
        flag["type"]!["type"] = new JsonObject { ["kind"] = "base", ["name"] = "long unsigned int" };

        var bits = IsfImporter.Import(IsfSample.Bytes(isf), Origin).Types["sock_common"].BitFields["skc_ipv6only"];

        Assert.That(bits, Is.EqualTo(new BitField((storage * 8) + 5, 1)));
    }

    [Test]
    public void A_missing_flag_is_named()
    {
        var isf = IsfSample.Create();
        isf["user_types"]!["sock_common"]!["fields"]!.AsObject().Remove("skc_ipv6only");
        AssertRefused(isf, "lacks flag sock_common.skc_ipv6only");
    }

    [Test]
    public void A_flag_that_is_no_bitfield_is_refused()
    {
        var isf = IsfSample.Create();
        isf["user_types"]!["sock_common"]!["fields"]!["skc_ipv6only"]!["type"] = new JsonObject { ["kind"] = "base", ["name"] = "bool" };
        AssertRefused(isf, "sock_common.skc_ipv6only is a base, not a bitfield");
    }

    [Test]
    public void A_bitfield_without_its_bits_is_refused()
    {
        var isf = IsfSample.Create();
        isf["user_types"]!["sock_common"]!["fields"]!["skc_ipv6only"]!["type"]!.AsObject().Remove("bit_position");
        AssertRefused(isf, "sock_common.skc_ipv6only is a bitfield without bit_position and bit_length");
    }

    [Test]
    public void A_flag_wider_than_one_bit_is_refused()
    {
        var isf = IsfSample.Create();
        isf["user_types"]!["sock_common"]!["fields"]!["skc_ipv6only"]!["type"] = IsfSample.BitField(IsfSample.FlagBitPosition, 2);
        AssertRefused(isf, "lacks flag sock_common.skc_ipv6only as one bit (it is 2 bits wide)");
    }

    [TestCase(0)]
    [TestCase(65)]
    public void A_bitfield_of_impossible_width_is_refused(int length)
    {
        var isf = IsfSample.Create();
        isf["user_types"]!["sock_common"]!["fields"]!["skc_ipv6only"]!["type"] = IsfSample.BitField(0, length);
        AssertRefused(isf, $"sock_common.skc_ipv6only is {length} bits wide; a bitfield has 1 to 64");
    }

    [Test]
    public void A_bitfield_outside_its_struct_is_refused()
    {
        var isf = IsfSample.Create();
        isf["user_types"]!["sock_common"]!["fields"]!["skc_ipv6only"]!["type"] = IsfSample.BitField(64, 1);
        AssertRefused(isf, "sock_common.skc_ipv6only lies at bit");
    }

    [Test]
    public void Anonymous_offsets_add_up()
    {
        var isf = IsfSample.Create();
        isf["user_types"]!["qstr"]!["fields"]!["unnamed_field_0"]!["offset"] = 2;
        isf["user_types"]!["qstr"]!["size"] = 24;
        isf["user_types"]![IsfSample.AnonymousUnion]!["fields"]!["unnamed_field_0"]!["offset"] = 8;
        Assert.That(IsfImporter.Import(IsfSample.Bytes(isf), Origin).Types["qstr"].Fields["len"], Is.EqualTo(14UL));
    }

    [Test]
    public void An_optional_symbol_is_kept_when_present()
    {
        var isf = IsfSample.Create();
        isf["symbols"]!["__pgtable_l5_enabled"] = new JsonObject { ["address"] = 0xffffffff82000000UL };
        Assert.That(IsfImporter.Import(IsfSample.Bytes(isf), Origin).Symbols["__pgtable_l5_enabled"], Is.EqualTo(0xffffffff82000000UL));
    }

    [TestCase("not json at all")]
    [TestCase("")]
    [TestCase("{\"user_types\": {}, \"symbols\": {}} trailing")]
    public void Text_that_is_not_json_is_refused(string text) =>
        AssertRefused(Encoding.UTF8.GetBytes(text), "not valid JSON");

    [Test]
    public void Truncated_json_is_refused()
    {
        var bytes = IsfSample.Bytes(IsfSample.Create());
        AssertRefused(bytes.AsSpan(0, bytes.Length - 3).ToArray(), "not valid JSON");
    }

    [Test]
    public void A_root_that_is_not_an_object_is_refused() => AssertRefused("[1, 2]"u8.ToArray(), "is not one");

    [Test]
    public void Missing_user_types_is_refused()
    {
        var isf = IsfSample.Create();
        isf.Remove("user_types");
        AssertRefused(isf, "has no user_types object");
    }

    [Test]
    public void Missing_linux_banner_is_refused()
    {
        var isf = IsfSample.Create();
        isf["symbols"]!.AsObject().Remove("linux_banner");
        AssertRefused(isf, "symbols lacks linux_banner");
    }

    [Test]
    public void A_banner_without_its_bytes_is_refused()
    {
        var isf = IsfSample.Create();
        isf["symbols"]!["linux_banner"]!.AsObject().Remove("constant_data");
        AssertRefused(isf, "linux_banner has no constant_data");
    }

    [Test]
    public void A_banner_that_is_not_base64_is_refused()
    {
        var isf = IsfSample.Create();
        isf["symbols"]!["linux_banner"]!["constant_data"] = "not base64!";
        AssertRefused(isf, "constant_data is not a base64 string");
    }

    [Test]
    public void A_missing_required_symbol_is_named()
    {
        var isf = IsfSample.Create();
        isf["symbols"]!.AsObject().Remove("init_task");
        AssertRefused(isf, "lacks symbol init_task");
    }

    [Test]
    public void A_missing_required_struct_is_named()
    {
        var isf = IsfSample.Create();
        isf["user_types"]!.AsObject().Remove("mount");
        AssertRefused(isf, "lacks struct mount");
    }

    [Test]
    public void A_missing_member_inside_an_anonymous_type_is_named()
    {
        var isf = IsfSample.Create();
        isf["user_types"]![IsfSample.AnonymousStruct]!["fields"]!.AsObject().Remove("len");
        AssertRefused(isf, "lacks member qstr.len");
    }

    [TestCase("18446744073709551616")]
    [TestCase("1e30")]
    [TestCase("1.8446744071606217E+19")]
    [TestCase("-1")]
    [TestCase("\"0xffffffff81000000\"")]
    public void An_address_that_is_not_an_unsigned_64_bit_integer_is_refused(string address)
    {
        var text = IsfSample.Create().ToJsonString()
            .Replace("\"init_task\":{\"type\":{\"kind\":\"base\",\"name\":\"char\"},\"address\":", "\"init_task\":{\"address\":" + address + ",\"was\":", StringComparison.Ordinal);
        Assert.That(text, Does.Contain("\"init_task\":{\"address\":" + address));
        AssertRefused(Encoding.UTF8.GetBytes(text), "symbols.init_task.address is");
    }

    [Test]
    public void A_size_past_64_bits_is_refused()
    {
        var isf = IsfSample.Create();
        isf["user_types"]!["task_struct"]!["size"] = JsonValue.Create(decimal.Parse("99999999999999999999999", System.Globalization.CultureInfo.InvariantCulture));
        AssertRefused(isf, "user_types.task_struct.size is 99999999999999999999999, not an unsigned 64-bit integer");
    }

    [Test]
    public void A_cycle_between_anonymous_types_is_refused()
    {
        var isf = IsfSample.Create();
        isf["user_types"]![IsfSample.AnonymousStruct]!["fields"]!["unnamed_field_0"] =
            IsfSample.Anonymous(0, "union", IsfSample.AnonymousUnion);
        AssertRefused(isf, $"anonymous types form a cycle: qstr -> {IsfSample.AnonymousUnion} -> {IsfSample.AnonymousStruct} -> {IsfSample.AnonymousUnion}");
    }

    [Test]
    public void A_dangling_anonymous_type_is_refused()
    {
        var isf = IsfSample.Create();
        isf["user_types"]!.AsObject().Remove(IsfSample.AnonymousStruct);
        AssertRefused(isf, $"refers to anonymous type {IsfSample.AnonymousStruct}, which user_types lacks");
    }

    [Test]
    public void Nesting_deeper_than_the_bound_is_refused()
    {
        var isf = IsfSample.Create();
        var types = isf["user_types"]!.AsObject();
        var innermost = IsfSample.AnonymousStruct;
        for (var level = IsfLayoutBuilder.MaxAnonymousDepth; level > 0; level--)
        {
            var name = $"unnamed_level_{level}";
            types[name] = IsfSample.Struct(8, new JsonObject { ["unnamed_field_0"] = IsfSample.Anonymous(0, "struct", innermost) });
            innermost = name;
        }

        types[IsfSample.AnonymousUnion]!["fields"]!["unnamed_field_0"] = IsfSample.Anonymous(0, "struct", innermost);
        AssertRefused(isf, $"anonymous members nest deeper than {IsfLayoutBuilder.MaxAnonymousDepth} levels");
    }

    [Test]
    public void A_member_outside_its_struct_is_refused()
    {
        var isf = IsfSample.Create();
        isf["user_types"]!["qstr"]!["fields"]!["name"]!["offset"] = 16;
        AssertRefused(isf, "qstr.name lies at offset 16, outside the struct's 16 bytes");
    }

    [Test]
    public void A_required_bitfield_is_refused()
    {
        var isf = IsfSample.Create();
        isf["user_types"]![IsfSample.AnonymousStruct]!["fields"]!["len"]!["type"] = new JsonObject
        {
            ["kind"] = "bitfield", ["bit_length"] = 3, ["bit_position"] = 0,
        };
        AssertRefused(isf, "qstr.len is a bitfield");
    }

    [Test]
    public void A_user_type_defined_twice_is_refused()
    {
        var text = IsfSample.Create().ToJsonString()
            .Replace("\"user_types\":{", "\"user_types\":{\"qstr\":{\"size\":1,\"fields\":{}},", StringComparison.Ordinal);
        AssertRefused(Encoding.UTF8.GetBytes(text), "user_types.qstr is defined twice");
    }

    private static void AssertRefused(JsonNode isf, string reason) => AssertRefused(IsfSample.Bytes(isf), reason);

    private static void AssertRefused(byte[] json, string reason) =>
        Assert.That(
            () => IsfImporter.Import(json, Origin),
            Throws.TypeOf<FormatException>()
                .With.Message.StartsWith(Origin + ": ")
                .And.Message.Contains(reason));
}
