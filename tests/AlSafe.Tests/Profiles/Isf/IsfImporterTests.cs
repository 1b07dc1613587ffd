using AlSafe.Core.Profiles;
using AlSafe.Core.Profiles.Isf;
using NUnit.Framework;

namespace AlSafe.Tests.Profiles.Isf;

/// <summary>Imports the real dwarf2json table of Debian's 6.1.0-56-amd64 kernel. Spot values were read from the
/// JSON with an independent script.</summary>
[TestFixture]
public sealed class IsfImporterTests
{
    private KernelProfile _profile = null!;

    [OneTimeSetUp]
    public void ImportSharedFile() => _profile = IsfImporter.Import(SharedIsf.Json, SharedIsf.Path);

    [Test]
    public void Every_requirement_is_present() => Assert.That(ProfileRequirements.Missing(_profile), Is.Empty);

    [Test]
    public void Identity_comes_from_the_banner()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_profile.Release, Is.EqualTo("6.1.0-56-amd64"));
            Assert.That(_profile.Banner, Is.EqualTo(
                "Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) "
                + "12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)\n"));
            Assert.That(_profile.BuildId, Is.Empty);
            Assert.That(_profile.Source, Is.EqualTo("isf"));
        });
    }

    [Test]
    public void Symbols_keep_full_64_bit_addresses()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_profile.Symbols["init_task"], Is.EqualTo(18446744071606217280UL));
            Assert.That(_profile.Symbols["_text"], Is.EqualTo(0xffffffff81000000UL));
            Assert.That(_profile.Symbols["__pgtable_l5_enabled"], Is.EqualTo(18446744071599904592UL));
            Assert.That(_profile.Symbols.Keys, Is.SubsetOf(ProfileRequirements.Symbols.Concat(ProfileRequirements.OptionalSymbols)));
        });
    }

    [Test]
    public void Struct_sizes_and_plain_members()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_profile.Types["task_struct"].Size, Is.EqualTo(9792UL));
            Assert.That(_profile.Types["task_struct"].Fields["pid"], Is.EqualTo(2416UL));
            Assert.That(_profile.Types["sock"].Fields["sk_protocol"], Is.EqualTo(516UL));
            Assert.That(_profile.Types["qstr"].Fields["name"], Is.EqualTo(8UL));
        });
    }

    [Test]
    public void Members_of_anonymous_unions_and_structs_are_flattened()
    {
        // qstr.len sits two anonymous levels down (a union holding a struct); sock_common's ports sit in a struct
        // inside an anonymous union at offset 12.
        Assert.Multiple(() =>
        {
            Assert.That(_profile.Types["qstr"].Fields["len"], Is.EqualTo(4UL));
            Assert.That(_profile.Types["sock_common"].Fields["skc_dport"], Is.EqualTo(12UL));
            Assert.That(_profile.Types["sock_common"].Fields["skc_num"], Is.EqualTo(14UL));
            Assert.That(_profile.Types["sock_common"].Fields["skc_rcv_saddr"], Is.EqualTo(4UL));
        });
    }

    [Test]
    public void The_ipv6only_flag_is_bit_5_of_the_byte_at_19()
    {
        // dwarf2json: offset 19, bit_position 5, bit_length 1 (unsigned char skc_ipv6only:1 after skc_reuse:4 and
        // skc_reuseport:1).
        Assert.That(_profile.Types["sock_common"].BitFields["skc_ipv6only"], Is.EqualTo(new BitField((19 * 8) + 5, 1)));
    }

    [Test]
    public void Only_the_required_members_are_kept()
    {
        foreach (var name in ProfileRequirements.Structs)
        {
            Assert.That(_profile.Types[name].Fields.Keys, Is.EquivalentTo(ProfileRequirements.Fields.GetValueOrDefault(name, [])), name);
            Assert.That(_profile.Types[name].BitFields.Keys, Is.EquivalentTo(ProfileRequirements.Flags.GetValueOrDefault(name, [])), name);
        }
    }

    [Test]
    public void The_profile_survives_a_save_and_load()
    {
        using var buffer = new MemoryStream();
        KernelProfileSerializer.Write(_profile, buffer);
        buffer.Position = 0;
        var loaded = KernelProfileSerializer.Read(buffer, "round trip");
        Assert.Multiple(() =>
        {
            Assert.That(loaded.Banner, Is.EqualTo(_profile.Banner));
            Assert.That(loaded.Symbols, Is.EquivalentTo(_profile.Symbols));
            Assert.That(loaded.Types["sock_common"].Fields, Is.EquivalentTo(_profile.Types["sock_common"].Fields));
            Assert.That(loaded.Types["sock_common"].BitFields, Is.EquivalentTo(_profile.Types["sock_common"].BitFields));
        });
    }

    [Test]
    public void A_truncated_real_file_is_refused_as_json()
    {
        var json = SharedIsf.Json;
        Assert.That(
            () => IsfImporter.Import(json.AsSpan(0, json.Length / 2), "half.isf.json"),
            Throws.TypeOf<FormatException>().With.Message.StartsWith("half.isf.json: not valid JSON"));
    }
}
