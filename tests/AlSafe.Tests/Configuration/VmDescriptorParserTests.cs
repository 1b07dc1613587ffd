using System.Net;
using AlSafe.Core.Adaptation;
using NUnit.Framework;

namespace AlSafe.Tests.Configuration;

/// <summary>VM descriptors (vms.d/NAME.conf): every key's good and bad forms, with the error's exact place.</summary>
public sealed class VmDescriptorParserTests
{
    private const string File = "/etc/alsafe/vms.d/web1.conf";

    private const string Minimal = """
        [vm]
        tenant = acme
        memory = /dev/shm/web1.ram
        addresses = 192.0.2.10
        """;

    [Test]
    public void AMinimalDescriptor_TakesTheDefaults()
    {
        var result = VmDescriptorParser.Parse(File, Minimal);

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Descriptor, Is.EqualTo(new VmDescriptor(
            "web1", "acme", "/dev/shm/web1.ram", "q35", null, null, null, [IPAddress.Parse("192.0.2.10")], null, File)));
        Assert.That(result.Name, Is.EqualTo("web1"));
        Assert.That(result.File, Is.EqualTo(File));
    }

    [Test]
    public void EveryKey_IsRead()
    {
        var result = VmDescriptorParser.Parse("/x/db-2.prod_a.conf", """
            [vm]
            tenant = acme-corp_2
            memory = /dev/shm/db.ram
            layout = 0+0x80000000@0,0x100000000+0x40000000@0x80000000
            qmp = /run/db.qmp
            mode = live
            profile = /var/lib/alsafe/profiles/6.1.json
            addresses = 192.0.2.11 , fd00:a15a::11,198.51.100.7
            period = 30s
            """);

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Descriptor, Is.EqualTo(new VmDescriptor(
            "db-2.prod_a", "acme-corp_2", "/dev/shm/db.ram", "0+0x80000000@0,0x100000000+0x40000000@0x80000000", "/run/db.qmp", true,
            "/var/lib/alsafe/profiles/6.1.json",
            [IPAddress.Parse("192.0.2.11"), IPAddress.Parse("fd00:a15a::11"), IPAddress.Parse("198.51.100.7")],
            TimeSpan.FromSeconds(30), "/x/db-2.prod_a.conf")));
    }

    [TestCase("mode = pause\nqmp = /run/q", false)]
    [TestCase("mode = live", true)]
    [TestCase("profile = auto", null)]
    public void ModeAndProfile(string lines, bool? live)
    {
        var result = VmDescriptorParser.Parse(File, $"{Minimal}\n{lines}");

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Descriptor!.Live, Is.EqualTo(live));
        Assert.That(result.Descriptor.ProfilePath, Is.Null);
    }

    [TestCase("layout = pc")]
    [TestCase("layout = flat")]
    [TestCase("layout = Q35")]
    [TestCase("layout = 0+1000@0")]
    [TestCase("period = 1s")]
    [TestCase("period = 1h")]
    [TestCase("period = 3600s")]
    [TestCase("addresses = fd00::10")]
    [TestCase("addresses = 192.0.2.10,192.0.2.11")]
    public void GoodValues_AreAccepted(string line) =>
        Assert.That(VmDescriptorParser.Parse(File, Replace(line)).Errors, Is.Empty);

    [TestCase("tenant = Acme", "tenant: 'Acme' is not a tenant name: 1 to 64 of a-z, 0-9, '_' and '-', starting with a letter or digit (the tenant's whitelist is TENANT.tsv)")]
    [TestCase("tenant = ac.me", "tenant: 'ac.me' is not a tenant name: 1 to 64 of a-z, 0-9, '_' and '-', starting with a letter or digit (the tenant's whitelist is TENANT.tsv)")]
    [TestCase("tenant =", "tenant: has no value: give one, or remove the line to take the default")]
    [TestCase("memory = dev/shm/web1.ram", "memory: 'dev/shm/web1.ram' is not an absolute path: it must start with /")]
    [TestCase("layout = q 35", "layout: 'q 35' is not a layout: it is printable ASCII without spaces")]
    [TestCase("layout = q36", "layout: 'q36' is not a layout (physical layout range 'q36' is not GUESTSTART+LENGTH@OFFSET): use q35, pc, flat, or ranges GUESTSTART+LENGTH@OFFSET,... in hexadecimal")]
    [TestCase("layout = 0+zz@0", "layout: '0+zz@0' is not a layout ('zz' is not a hexadecimal number): use q35, pc, flat, or ranges GUESTSTART+LENGTH@OFFSET,... in hexadecimal")]
    [TestCase("layout = 0+100@0,80+100@100", "layout: '0+100@0,80+100@100' is not a layout: its ranges are all empty, or overlap")]
    [TestCase("layout = 0+0@0", "layout: '0+0@0' is not a layout: its ranges are all empty, or overlap")]
    [TestCase("qmp = run/q", "qmp: 'run/q' is not an absolute path: it must start with /")]
    [TestCase("mode = paused", "mode: 'paused' is not one of pause, live")]
    [TestCase("mode = pause", "mode: 'pause' needs qmp, the QMP socket through which the guest is paused")]
    [TestCase("profile = Auto", "profile: 'Auto' is neither auto nor an absolute path to a profile file")]
    [TestCase("profile = p.json", "profile: 'p.json' is neither auto nor an absolute path to a profile file")]
    [TestCase("addresses = 192.0.2.10,", "addresses: '192.0.2.10,' has an empty item: separate items with one comma")]
    [TestCase("addresses = 192.0.2.10, 192.0.2.10", "addresses: '192.0.2.10' is listed twice")]
    [TestCase("addresses = fd00::10, FD00:0::10", "addresses: 'FD00:0::10' is listed twice")]
    [TestCase("addresses = 192.0.2.0/24", "addresses: '192.0.2.0/24' is not an address: use IPv4 as four decimal numbers (192.0.2.1) or IPv6 (2001:db8::1)")]
    [TestCase("addresses = 192.0.2.010", "addresses: '192.0.2.010' is not an address: use IPv4 as four decimal numbers (192.0.2.1) or IPv6 (2001:db8::1)")]
    [TestCase("addresses = fe80::1%eth0", "addresses: 'fe80::1%eth0' has a zone (%...): a zone names an interface of this host, not an address on the network")]
    [TestCase("addresses = ::ffff:192.0.2.10", "addresses: '::ffff:192.0.2.10' is an IPv4-mapped IPv6 address: write it as IPv4, 192.0.2.10")]
    [TestCase("addresses = 0.0.0.0", "addresses: '0.0.0.0' cannot be a VM's own address")]
    [TestCase("addresses = ::", "addresses: '::' cannot be a VM's own address")]
    [TestCase("addresses = 224.0.0.1", "addresses: '224.0.0.1' cannot be a VM's own address")]
    [TestCase("addresses = ff02::1", "addresses: 'ff02::1' cannot be a VM's own address")]
    [TestCase("addresses = 255.255.255.255", "addresses: '255.255.255.255' cannot be a VM's own address")]
    [TestCase("period = 0s", "period: '0s' must be positive")]
    [TestCase("period = 500ms", "period: '500ms' is out of range: from 1s to 1h")]
    [TestCase("period = 3601s", "period: '3601s' is out of range: from 1s to 1h")]
    [TestCase("period = 5", "period: '5' has no unit: write 5s, or use ms, m or h")]
    [TestCase("name = web1", "name: is not a key of [vm]: the keys are tenant, memory, layout, qmp, mode, profile, addresses, period")]
    public void BadValues_AreErrorsAtTheirLine(string line, string error)
    {
        var result = VmDescriptorParser.Parse(File, Replace(line));

        Assert.That(result.IsValid, Is.False);
        Assert.That(result.Descriptor, Is.Null);
        Assert.That(result.Errors.Select(e => e.ToString()), Is.EqualTo(new[] { $"{File}:{LineOf(line)}: [vm] {error}" }));
        Assert.That(result.Errors[0].Section, Is.EqualTo("vm"));
        Assert.That(result.Errors[0].Key, Is.EqualTo(line[..line.IndexOf(' ', StringComparison.Ordinal)]));
    }

    [Test]
    public void MissingKeys_AreErrorsAtTheSectionHeader()
    {
        var result = VmDescriptorParser.Parse(File, "# web1\n[vm]\nlayout = pc\n");

        Assert.That(result.Errors.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            $"{File}:2: [vm] tenant: is required",
            $"{File}:2: [vm] memory: is required",
            $"{File}:2: [vm] addresses: is required",
        }));
    }

    [Test]
    public void AllErrorsOfAFile_AreCollected()
    {
        var result = VmDescriptorParser.Parse(File, """
            [vm]
            tenant = ACME
            memory = relative
            addresses = 192.0.2.1, 192.0.2.1
            colour = blue
            period = 0s
            [network]
            mtu = 9000
            """);

        Assert.That(result.Errors.Select(e => (e.Line, e.Section, e.Key)), Is.EqualTo(new (int, string?, string?)[]
        {
            (2, "vm", "tenant"),
            (3, "vm", "memory"),
            (4, "vm", "addresses"),
            (5, "vm", "colour"),
            (6, "vm", "period"),
            (7, "network", null),
        }));
        Assert.That(result.Errors[^1].ToString(), Is.EqualTo($"{File}:7: [network] is not a section of this file: the sections are [vm]"));
    }

    [Test]
    public void AFileWithoutAVmSection_SaysSo()
    {
        var result = VmDescriptorParser.Parse(File, "# nothing\n");

        Assert.That(result.Errors.Single().ToString(), Is.EqualTo($"{File}: [vm] is missing: a descriptor is one [vm] section"));
    }

    [Test]
    public void DuplicatesAndCrlf()
    {
        var crlf = VmDescriptorParser.Parse(File, "\uFEFF" + Minimal.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n");
        var duplicate = VmDescriptorParser.Parse(File, Minimal + "\ntenant = other\n[vm]\nqmp = /q");

        Assert.That(crlf.Errors, Is.Empty);
        Assert.That(crlf.Descriptor!.Tenant, Is.EqualTo("acme"));
        Assert.That(duplicate.Errors.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            $"{File}:5: [vm] tenant: is set twice: first at line 2",
            $"{File}:6: [vm] appears twice: first at line 1",
        }));
    }

    [TestCase("/x/Web-1.conf", "Web-1")]
    [TestCase("/x/0.conf", "0")]
    [TestCase("/x/a.b.conf", "a.b")]
    [TestCase("/x/4a8e2b3c-1d2e-4f5a-8b9c-0d1e2f3a4b5c.conf", "4a8e2b3c-1d2e-4f5a-8b9c-0d1e2f3a4b5c")]
    public void TheFileName_IsTheVmName(string path, string name) =>
        Assert.That(VmDescriptorParser.Parse(path, Minimal).Descriptor!.Name, Is.EqualTo(name));

    [TestCase("/x/.conf")]
    [TestCase("/x/-web.conf")]
    [TestCase("/x/web 1.conf")]
    [TestCase("/x/wéb.conf")]
    [TestCase("/x/web1.cfg")]
    [TestCase("/x/web1.CONF")]
    public void ABadFileName_IsAnError(string path)
    {
        var result = VmDescriptorParser.Parse(path, Minimal);

        Assert.That(result.Name, Is.Null);
        Assert.That(result.Errors.Single().ToString(), Is.EqualTo(
            $"{path}: '{Path.GetFileName(path)}' does not name a VM: a descriptor is NAME.conf, NAME being 1 to 64 of A-Z, a-z, " +
            "0-9, '.', '_' and '-', starting with a letter or digit"));
    }

    [Test]
    public void VmNames_FollowThePortRule()
    {
        Assert.That(VmName.IsValid(new string('a', 64)), Is.True);
        Assert.That(VmName.IsValid(new string('a', 65)), Is.False);
        Assert.That(VmName.IsValid("_web"), Is.False);
        Assert.That(VmName.IsValid(""), Is.False);
        Assert.That(VmName.IsValid(null), Is.False);
    }

    /// <summary>The minimal descriptor with the line's key replaced, or the line added when the key is not in it.</summary>
    private static string Replace(string line)
    {
        var key = line[..line.IndexOf(' ', StringComparison.Ordinal)];
        var lines = Minimal.Split('\n').ToList();
        var at = lines.FindIndex(l => l.StartsWith(key + " ", StringComparison.Ordinal));
        if (at < 0)
        {
            lines.Add(line);
        }
        else
        {
            lines[at] = line;
        }

        return string.Join('\n', lines);
    }

    private static int LineOf(string line) => Replace(line).Split('\n').ToList().IndexOf(line) + 1;
}
