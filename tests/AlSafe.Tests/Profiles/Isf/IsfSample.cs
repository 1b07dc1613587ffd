using System.Text;
using System.Text.Json.Nodes;
using AlSafe.Core.Profiles;

namespace AlSafe.Tests.Profiles.Isf;

/// <summary>
/// A small ISF that meets every requirement, shaped as dwarf2json writes one: each required struct lists its members
/// 8 bytes apart and then its flags, one-bit bitfields from bit 2 of one more byte; qstr reaches len through an
/// anonymous union holding an anonymous struct, as Linux's does. Tests break one thing in it at a time.
/// </summary>
internal static class IsfSample
{
    public const string Banner = "Linux version 6.1.0-test (builder@example) (gcc) #1 SMP\n";
    public const string AnonymousUnion = "unnamed_union_1";
    public const string AnonymousStruct = "unnamed_struct_2";

    /// <summary>The bit of the first flag within its storage byte.</summary>
    public const int FlagBitPosition = 2;

    public static JsonObject Create()
    {
        var userTypes = new JsonObject();
        foreach (var name in ProfileRequirements.Structs)
        {
            var members = new JsonObject();
            var fields = ProfileRequirements.Fields.GetValueOrDefault(name, []);
            for (var i = 0; i < fields.Count; i++)
            {
                members[fields[i]] = Member(8 * i, Base("long unsigned int"));
            }

            var flags = ProfileRequirements.Flags.GetValueOrDefault(name, []);
            for (var i = 0; i < flags.Count; i++)
            {
                members[flags[i]] = Member(8 * fields.Count, BitField(FlagBitPosition + i, 1));
            }

            userTypes[name] = Struct((8 * fields.Count) + (flags.Count > 0 ? 8 : 0), members);
        }

        userTypes["qstr"] = Struct(16, new JsonObject
        {
            ["name"] = Member(8, new JsonObject { ["kind"] = "pointer", ["subtype"] = Base("unsigned char") }),
            ["unnamed_field_0"] = Anonymous(0, "union", AnonymousUnion),
        });
        userTypes[AnonymousUnion] = Struct(8, new JsonObject
        {
            ["hash_len"] = Member(0, Base("long long unsigned int")),
            ["unnamed_field_0"] = Anonymous(0, "struct", AnonymousStruct),
        }, "union");
        userTypes[AnonymousStruct] = Struct(8, new JsonObject
        {
            ["hash"] = Member(0, Base("unsigned int")),
            ["len"] = Member(4, Base("unsigned int")),
        });

        var symbols = new JsonObject();
        var address = 0xffffffff81000000UL;
        foreach (var name in ProfileRequirements.Symbols)
        {
            symbols[name] = new JsonObject { ["type"] = Base("char"), ["address"] = address };
            address += 0x1000;
        }

        symbols["linux_banner"]!["constant_data"] = Convert.ToBase64String(Encoding.ASCII.GetBytes(Banner + "\0"));
        return new JsonObject
        {
            ["metadata"] = new JsonObject { ["format"] = "6.2.0" },
            ["base_types"] = new JsonObject(),
            ["user_types"] = userTypes,
            ["enums"] = new JsonObject(),
            ["symbols"] = symbols,
        };
    }

    public static byte[] Bytes(JsonNode isf) => Encoding.UTF8.GetBytes(isf.ToJsonString());

    public static JsonObject Struct(long size, JsonObject fields, string kind = "struct") =>
        new() { ["size"] = size, ["fields"] = fields, ["kind"] = kind };

    public static JsonObject Member(long offset, JsonObject type) => new() { ["type"] = type, ["offset"] = offset };

    public static JsonObject Anonymous(long offset, string kind, string typeName) => new()
    {
        ["type"] = new JsonObject { ["kind"] = kind, ["name"] = typeName },
        ["offset"] = offset,
        ["anonymous"] = true,
    };

    public static JsonObject BitField(long position, long length) => new()
    {
        ["kind"] = "bitfield",
        ["bit_position"] = position,
        ["bit_length"] = length,
        ["type"] = Base("unsigned char"),
    };

    private static JsonObject Base(string name) => new() { ["kind"] = "base", ["name"] = name };
}
