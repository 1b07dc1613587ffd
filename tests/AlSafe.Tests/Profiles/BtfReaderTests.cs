using AlSafe.Core.Profiles.Btf;
using AlSafe.Core.Profiles.Elf;
using AlSafe.Core.Profiles;
using NUnit.Framework;

namespace AlSafe.Tests.Profiles;

public sealed class BtfReaderTests
{
    [Test]
    public void EveryKind_IsSkippedBySize_SoLaterIdsStayAligned()
    {
        var (blob, ids) = Synthetic();
        var btf = new BtfReader(blob);

        Assert.That(btf.TypeCount, Is.EqualTo(ids.Last + 1));
        Assert.That(btf.KindOf(ids.Qstr), Is.EqualTo(BtfKind.Struct));
        Assert.That(btf.NameOf(ids.Qstr), Is.EqualTo("qstr"));
        Assert.That(btf.KindOf(ids.Enum64), Is.EqualTo(BtfKind.Enum64));
        Assert.That(btf.FindStructs(["qstr", "bits", "absent"]), Is.EquivalentTo(new Dictionary<string, int>
        {
            ["qstr"] = ids.Qstr,
            ["bits"] = ids.Bits,
        }));
    }

    [Test]
    public void AnonymousUnionAndStructMembers_AreFlattenedWithAccumulatedOffsets()
    {
        var (blob, ids) = Synthetic();

        var qstr = new BtfReader(blob).Layout(ids.Qstr);

        Assert.That(qstr.Size, Is.EqualTo(16));
        Assert.That(qstr.Fields, Is.EquivalentTo(new Dictionary<string, ulong>
        {
            ["hash"] = 0,
            ["len"] = 4,
            ["hash_len"] = 0,
            ["name"] = 8,
        }));
    }

    [Test]
    public void KindFlagMembers_TakeTheLow24BitsAsTheBitOffset()
    {
        var (blob, ids) = Synthetic();

        var bits = new BtfReader(blob).Layout(ids.Bits);

        Assert.That(bits.Fields["a"], Is.EqualTo(0));
        Assert.That(bits.Fields["b"], Is.EqualTo(0));
        Assert.That(bits.Fields["c"], Is.EqualTo(2));
        Assert.That(bits.Fields["d"], Is.EqualTo(4), "a typedef'd anonymous struct after the bitfields");
    }

    [Test]
    public void KindFlagBitfields_AreListedWithTheirBits()
    {
        var (blob, ids) = Synthetic();

        var bits = new BtfReader(blob).Layout(ids.Bits);

        Assert.That(bits.BitFields, Is.EquivalentTo(new Dictionary<string, BitField>
        {
            ["a"] = new(0, 3),
            ["b"] = new(3, 5),
            ["c"] = new(16, 8),
        }));
    }

    [Test]
    public void WithoutTheKindFlag_ABitfieldIsToldByItsIntType()
    {
        // struct old { u32 x; u8 y:1 (BTF_INT_OFFSET 5); u16 z:3 } as BTF wrote bitfields before kind_flag.
        var b = new BtfBlob();
        var u32 = b.Add(BtfKind.Int, "unsigned int", 0, 4, false, 32);
        var bit = b.Add(BtfKind.Int, "unsigned char", 0, 1, false, (5u << 16) | 1);
        var threeBits = b.Add(BtfKind.Int, "short unsigned int", 0, 2, false, 3);
        var typedef = b.Add(BtfKind.Typedef, "u16_3", 0, (uint)threeBits);
        var old = b.Add(BtfKind.Struct, "old", 3, 8, false,
            b.Name("x"), (uint)u32, 0,
            b.Name("y"), (uint)bit, 32,
            b.Name("z"), (uint)typedef, 48);

        var layout = new BtfReader(b.ToArray()).Layout(old);

        Assert.That(layout.BitFields, Is.EquivalentTo(new Dictionary<string, BitField>
        {
            ["y"] = new(37, 1),
            ["z"] = new(48, 3),
        }));
        Assert.That(layout.Fields["y"], Is.EqualTo(4));
        Assert.That(layout.Fields["x"], Is.EqualTo(0));
    }

    [Test]
    public void BadMagic_IsRefused()
    {
        var blob = new BtfBlob().ToArray(magic: 0x9FEB);

        Assert.That(() => new BtfReader(blob), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("magic 0x9feb"));
    }

    [Test]
    public void UnknownKind_IsRefusedRatherThanMisaligningIds()
    {
        var b = new BtfBlob();
        b.Add((BtfKind)25, "future", 0, 0);

        Assert.That(() => new BtfReader(b.ToArray()), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("unknown kind 25"));
    }

    [Test]
    public void TypeRunningPastTheSection_IsRefused()
    {
        var b = new BtfBlob();
        b.Add(BtfKind.Struct, "s", 3, 8, false, 0, 0);

        Assert.That(() => new BtfReader(b.ToArray()), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("past the end"));
    }

    [Test]
    public void RealKernel_HasEveryRequiredMember_AtTheOffsetsDwarfGives()
    {
        var btf = new BtfReader(new ElfImage(RealKernel.Vmlinux).SectionData(".BTF"));
        var userTypes = RealKernel.Isf.GetProperty("user_types");
        var ids = btf.FindStructs(ProfileRequirements.Fields.Keys);

        foreach (var (type, fields) in ProfileRequirements.Fields)
        {
            Assert.That(ids, Does.ContainKey(type));
            var layout = btf.Layout(ids[type]);
            var dwarf = userTypes.GetProperty(type);
            Assert.That(layout.Size, Is.EqualTo(dwarf.GetProperty("size").GetUInt64()), $"sizeof(struct {type})");
            foreach (var field in fields)
            {
                Assert.That(layout.Fields, Does.ContainKey(field), $"{type}.{field}");
                if (dwarf.GetProperty("fields").TryGetProperty(field, out var member))
                {
                    Assert.That(layout.Fields[field], Is.EqualTo(member.GetProperty("offset").GetUInt64()), $"{type}.{field}");
                }
            }
        }
    }

    [Test]
    public void RealKernel_HasEveryFlag_AtTheBitsDwarfGives()
    {
        var btf = new BtfReader(new ElfImage(RealKernel.Vmlinux).SectionData(".BTF"));
        var userTypes = RealKernel.Isf.GetProperty("user_types");
        var ids = btf.FindStructs(ProfileRequirements.Flags.Keys);

        foreach (var (type, flags) in ProfileRequirements.Flags)
        {
            var layout = btf.Layout(ids[type]);
            foreach (var flag in flags)
            {
                // dwarf2json names the flag's storage unit by its byte offset and the flag's bits within it.
                var member = userTypes.GetProperty(type).GetProperty("fields").GetProperty(flag);
                var dwarf = new BitField(
                    (member.GetProperty("offset").GetUInt64() * 8) + member.GetProperty("type").GetProperty("bit_position").GetUInt64(),
                    member.GetProperty("type").GetProperty("bit_length").GetInt32());
                Assert.That(layout.BitFields[flag], Is.EqualTo(dwarf), $"{type}.{flag}");
            }
        }

        // bpftool btf dump: 'skc_ipv6only' type_id=20 bits_offset=157 bitfield_size=1
        Assert.That(btf.Layout(ids["sock_common"]).BitFields["skc_ipv6only"], Is.EqualTo(new BitField(157, 1)));
    }

    [Test]
    public void RealKernel_SpotChecks()
    {
        var btf = new BtfReader(new ElfImage(RealKernel.Vmlinux).SectionData(".BTF"));
        var ids = btf.FindStructs(["task_struct", "sock_common", "qstr"]);

        var task = btf.Layout(ids["task_struct"]);
        var sockCommon = btf.Layout(ids["sock_common"]);
        Assert.That(task.Size, Is.EqualTo(9792));
        Assert.That(task.Fields["comm"], Is.EqualTo(2976));
        Assert.That(task.Fields["tasks"], Is.EqualTo(2192));
        Assert.That(sockCommon.Fields["skc_dport"], Is.EqualTo(12), "in an anonymous union inside an anonymous struct");
        Assert.That(sockCommon.Fields["skc_num"], Is.EqualTo(14));
        Assert.That(btf.Layout(ids["qstr"]).Fields["len"], Is.EqualTo(4));
    }

    private static (byte[] Blob, SyntheticIds Ids) Synthetic()
    {
        var b = new BtfBlob();
        var u32 = b.Add(BtfKind.Int, "unsigned int", 0, 4, false, 32);
        var u64 = b.Add(BtfKind.Int, "long long unsigned int", 0, 8, false, 64);
        var ptr = b.Add(BtfKind.Pointer, "", 0, (uint)u32);
        b.Add(BtfKind.Array, "", 0, 0, false, (uint)u32, (uint)u32, 4);
        b.Add(BtfKind.Enum, "colour", 2, 4, false, b.Name("RED"), 0, b.Name("GREEN"), 1);
        var proto = b.Add(BtfKind.FunctionPrototype, "", 1, (uint)u32, false, b.Name("x"), (uint)u32);
        b.Add(BtfKind.Function, "f", 0, (uint)proto);
        var variable = b.Add(BtfKind.Variable, "v", 0, (uint)u32, false, 1);
        b.Add(BtfKind.DataSection, ".data", 1, 4, false, (uint)variable, 0, 4);
        b.Add(BtfKind.Float, "double", 0, 8);
        b.Add(BtfKind.DeclarationTag, "tag", 0, (uint)u32, false, uint.MaxValue);
        b.Add(BtfKind.TypeTag, "user", 0, (uint)ptr);
        var enum64 = b.Add(BtfKind.Enum64, "big", 1, 8, false, b.Name("HUGE"), 0, 1);
        b.Add(BtfKind.Forward, "qstr", 0, 0);
        var volatileU32 = b.Add(BtfKind.Volatile, "", 0, (uint)u32);
        b.Add(BtfKind.Const, "", 0, (uint)volatileU32);
        b.Add(BtfKind.Restrict, "", 0, (uint)ptr);

        // struct qstr { union { struct { u32 hash; u32 len; }; u64 hash_len; }; const char *name; } (offsets in bits)
        var inner = b.Add(BtfKind.Struct, "", 2, 8, false, b.Name("hash"), (uint)u32, 0, b.Name("len"), (uint)u32, 32);
        var union = b.Add(BtfKind.Union, "", 2, 8, false, 0, (uint)inner, 0, b.Name("hash_len"), (uint)u64, 0);
        var qstr = b.Add(BtfKind.Struct, "qstr", 2, 16, false, 0, (uint)union, 0, b.Name("name"), (uint)ptr, 64);

        // struct bits { u32 a:3, b:5, :8, c:8; struct { u32 d; } (through a typedef); } with kind_flag set
        var dStruct = b.Add(BtfKind.Struct, "", 1, 4, false, b.Name("d"), (uint)u32, 0);
        var dTypedef = b.Add(BtfKind.Typedef, "d_t", 0, (uint)dStruct);
        var bits = b.Add(BtfKind.Struct, "bits", 4, 8, true,
            b.Name("a"), (uint)u32, (3u << 24) | 0,
            b.Name("b"), (uint)u32, (5u << 24) | 3,
            b.Name("c"), (uint)u32, (8u << 24) | 16,
            0, (uint)dTypedef, 32);
        return (b.ToArray(), new SyntheticIds(qstr, bits, enum64, bits));
    }

    private sealed record SyntheticIds(int Qstr, int Bits, int Enum64, int Last);
}
