using AlSafe.Core.Whitelist;
using NUnit.Framework;
using static AlSafe.Tests.Whitelist.WhitelistText;

namespace AlSafe.Tests.Whitelist;

/// <summary>Tenant names and loading whitelist files and directories from disk.</summary>
public sealed class WhitelistDirectoryTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory() =>
        _directory = Directory.CreateTempSubdirectory("alsafe-whitelist-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [TestCase("acme")]
    [TestCase("a")]
    [TestCase("0")]
    [TestCase("acme-corp_2")]
    [TestCase("a123456789012345678901234567890123456789012345678901234567890123")]
    public void TenantName_Accepted(string name) => Assert.That(TenantName.IsValid(name), Is.True);

    [TestCase(null)]
    [TestCase("")]
    [TestCase("Acme")]
    [TestCase("-acme")]
    [TestCase("_acme")]
    [TestCase("ac.me")]
    [TestCase("ac me")]
    [TestCase("acmé")]
    [TestCase("a1234567890123456789012345678901234567890123456789012345678901234")]
    public void TenantName_Refused(string? name) => Assert.That(TenantName.IsValid(name), Is.False);

    [TestCase("/etc/alsafe/whitelist.d/acme.tsv", "acme")]
    [TestCase("acme-2.tsv", "acme-2")]
    [TestCase("/x/.tsv", null)]
    [TestCase("/x/acme.TSV", null)]
    [TestCase("/x/acme.tsv.bak", null)]
    [TestCase("/x/.acme.tsv", null)]
    [TestCase("/x/acme.old.tsv", null)]
    [TestCase("/x/Acme.tsv", null)]
    public void TenantName_ComesFromTheFileName(string path, string? tenant)
    {
        Assert.That(TenantName.TryFromPath(path, out var found), Is.EqualTo(tenant is not null));
        Assert.That(found, Is.EqualTo(tenant));
    }

    [Test]
    public void ADirectory_LoadsEachTsvFileInNameOrder_AndNotesTheRest()
    {
        Write("beta.tsv", Line(Columns));
        Write("acme.tsv", $"{Line(Columns)}\n{With(5, "80")}\n");
        Write("gamma.tsv", With(3, "TCP"));
        Write("Bad.tsv", Line(Columns));
        Write("README", "not a whitelist");
        Write("acme.tsv~", "backup");
        Directory.CreateDirectory(Path.Combine(_directory, "old.tsv"));
        var notes = new List<string>();

        var results = WhitelistDirectory.Load(_directory, notes.Add);

        Assert.That(results.Select(r => (Path.GetFileName(r.File), r.Tenant, r.IsValid)), Is.EqualTo(new (string, string?, bool)[]
        {
            ("Bad.tsv", null, false),
            ("acme.tsv", "acme", true),
            ("beta.tsv", "beta", true),
            ("gamma.tsv", "gamma", false),
            ("old.tsv", "old", false),
        }));
        Assert.That(results[1].Whitelist!.Entries, Has.Count.EqualTo(2));
        Assert.That(results[1].Whitelist!.File, Is.EqualTo(Path.Combine(_directory, "acme.tsv")));
        Assert.That(results[0].Errors.Single().Message, Does.StartWith("'Bad.tsv' does not name a tenant"));
        Assert.That(results[3].Errors.Single().ToString(), Does.EndWith("proto: 'TCP' must be lower case: tcp"));
        Assert.That(results[4].Errors.Single().Message, Is.EqualTo("is a directory, not a whitelist file"));
        Assert.That(notes, Is.EqualTo(new[]
        {
            $"{Path.Combine(_directory, "README")}: ignored, not a .tsv file",
            $"{Path.Combine(_directory, "acme.tsv~")}: ignored, not a .tsv file",
        }));
    }

    [Test]
    public void ASymbolicLinkToAFile_IsFollowed()
    {
        var target = Write("elsewhere", Line(Columns));
        File.CreateSymbolicLink(Path.Combine(_directory, "acme.tsv"), target);

        var result = WhitelistDirectory.LoadDirectory(_directory, _ => { }).Single();

        Assert.That(result.Whitelist!.Entries, Has.Count.EqualTo(1));
    }

    [Test]
    public void ASingleFile_IsLoadedOnItsOwn()
    {
        var path = Write("acme.tsv", Line(Columns));

        var result = WhitelistDirectory.Load(path, _ => Assert.Fail("no note expected")).Single();

        Assert.That((result.Tenant, result.Whitelist!.Entries.Single().Location), Is.EqualTo(("acme", path + ":1")));
    }

    [Test]
    public void AMissingPath_Throws() =>
        Assert.That(() => WhitelistDirectory.Load(Path.Combine(_directory, "nope"), _ => { }),
            Throws.InstanceOf<FileNotFoundException>().With.Message.Contains("nope"));

    [Test]
    public void AFileOverTheSizeLimit_IsRefusedWithoutReadingIt()
    {
        var path = Path.Combine(_directory, "acme.tsv");
        using (var sparse = File.Create(path))
        {
            sparse.SetLength(WhitelistLimits.MaxFileBytes + 1L);
        }

        var error = WhitelistDirectory.LoadFile(path).Errors.Single();

        Assert.That(error.ToString(), Is.EqualTo($"{path}:1:1: the file is 67108865 bytes long; a whitelist is at most 67108864 bytes"));
    }

    [Test]
    public void AFileOfExactlyTheLimit_IsRead()
    {
        var path = Path.Combine(_directory, "acme.tsv");
        var line = "# " + new string('x', 4000) + "\n";
        var bytes = new byte[WhitelistLimits.MaxFileBytes];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)line[i % line.Length];
        }

        bytes[^1] = (byte)'\n';
        File.WriteAllBytes(path, bytes);

        Assert.That(WhitelistDirectory.LoadFile(path).Errors, Is.Empty);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
