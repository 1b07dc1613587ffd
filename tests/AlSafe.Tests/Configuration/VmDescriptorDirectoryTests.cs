using AlSafe.Core.Adaptation;
using AlSafe.Core.Configuration;
using AlSafe.Daemon.Configuration;
using Mono.Unix.Native;
using NUnit.Framework;

namespace AlSafe.Tests.Configuration;

/// <summary>Loading vms.d: one result per descriptor file, a bad or untrusted file affecting only itself.</summary>
public sealed class VmDescriptorDirectoryTests
{
    private const string Good = "[vm]\ntenant = acme\nmemory = /dev/shm/x.ram\naddresses = 192.0.2.10\n";

    private string _directory = "";

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("alsafe-vms-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void OneBadFile_AmongGoodOnes_SpoilsOnlyItself()
    {
        Write("web1.conf", Good);
        Write("web2.conf", Good.Replace("192.0.2.10", "192.0.2.11", StringComparison.Ordinal));
        Write("db.conf", Good + "colour = blue\n");
        Write("Bad Name.conf", Good);
        Write(".web1.conf.swp", "binary");
        Write(".hidden.conf", "[x]");
        Write("web1.conf~", "backup");
        Write("README", "notes");
        Write("4913", "");
        Directory.CreateDirectory(Path.Combine(_directory, "sub.conf"));

        var results = VmDescriptorDirectory.Load(_directory, null);

        Assert.That(results.Select(r => (Path.GetFileName(r.File), r.Name, r.IsValid)), Is.EqualTo(new (string, string?, bool)[]
        {
            ("Bad Name.conf", null, false),
            ("db.conf", "db", false),
            ("sub.conf", "sub", false),
            ("web1.conf", "web1", true),
            ("web2.conf", "web2", true),
        }));
        Assert.That(results[1].Errors.Single().ToString(), Is.EqualTo(
            $"{Path.Combine(_directory, "db.conf")}:5: [vm] colour: is not a key of [vm]: the keys are tenant, memory, layout, qmp, mode, profile, addresses, period"));
        Assert.That(results[2].Errors.Single().Message, Is.EqualTo("is a directory, not a file"));
        Assert.That(results[4].Descriptor!.Addresses.Single().ToString(), Is.EqualTo("192.0.2.11"));
        Assert.That(results[4].Descriptor!.SourcePath, Is.EqualTo(Path.Combine(_directory, "web2.conf")));
    }

    [Test]
    public void TheTrustHook_RefusesFilesBeforeTheyAreRead()
    {
        Write("web1.conf", Good);
        Write("web2.conf", "this would not parse");
        var asked = new List<string>();

        var results = VmDescriptorDirectory.Load(_directory, path =>
        {
            asked.Add(path);
            return path.EndsWith("web2.conf", StringComparison.Ordinal) ? $"{path} is untrusted" : null;
        });

        var web2 = Path.Combine(_directory, "web2.conf");
        Assert.That(asked, Is.EqualTo(new[] { Path.Combine(_directory, "web1.conf"), web2 }));
        Assert.That(results[0].IsValid, Is.True);
        Assert.That(results[1].Name, Is.EqualTo("web2"));
        Assert.That(results[1].Errors.Single().ToString(), Is.EqualTo($"{web2}: {web2} is untrusted"));
    }

    [Test]
    public void WithFileTrust_AFileOthersCanWrite_IsRefused()
    {
        Write("web1.conf", Good);
        Write("web2.conf", Good);
        var web2 = Path.Combine(_directory, "web2.conf");
        Assert.That(Syscall.chmod(Path.Combine(_directory, "web1.conf"), NativeConvert.FromOctalPermissionString("0644")), Is.Zero);
        Assert.That(Syscall.chmod(web2, NativeConvert.FromOctalPermissionString("0666")), Is.Zero);

        var results = VmDescriptorDirectory.Load(_directory, FileTrust.CheckFile);

        Assert.That(results[0].IsValid, Is.True);
        Assert.That(results[1].Errors.Single().Message, Does.StartWith($"{web2} is untrusted: writable by group or others (mode 0666)"));
    }

    [Test]
    public void MoreThanTheMaximumOfFiles_RefusesTheDirectory()
    {
        for (var i = 0; i < VmDescriptorDirectory.MaxFiles; i++)
        {
            File.WriteAllBytes(Path.Combine(_directory, $"vm{i}.conf"), []);
        }

        Write("notes.txt", "ignored files do not count");
        Assert.That(VmDescriptorDirectory.Load(_directory, _ => "checked"), Has.Count.EqualTo(VmDescriptorDirectory.MaxFiles));

        Write("one-more.conf", Good);
        var refused = Assert.Throws<ConfigurationException>(() => VmDescriptorDirectory.Load(_directory, null))!;
        Assert.That(refused.Message, Is.EqualTo($"{_directory}: holds more than 4096 .conf files: refused whole"));
    }

    [Test]
    public void AMissingDirectory_Throws() =>
        Assert.Throws<DirectoryNotFoundException>(() => VmDescriptorDirectory.Load(Path.Combine(_directory, "none"), null));

    [Test]
    public void AnEmptyDirectory_HasNoDescriptors() =>
        Assert.That(VmDescriptorDirectory.Load(_directory, null), Is.Empty);

    private void Write(string name, string text) => File.WriteAllText(Path.Combine(_directory, name), text);
}
