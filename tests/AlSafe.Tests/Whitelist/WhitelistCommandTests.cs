using AlSafe.Daemon.Cli;
using NUnit.Framework;
using static AlSafe.Tests.Whitelist.WhitelistText;

namespace AlSafe.Tests.Whitelist;

/// <summary><c>alsafe whitelist check</c>: its output and exit codes.</summary>
public sealed class WhitelistCommandTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory() =>
        _directory = Directory.CreateTempSubdirectory("alsafe-whitelist-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void AValidFile_PrintsItsSummaryAndExits0()
    {
        var path = Write("acme.tsv", $"{Line(Columns)}\n{With(5, "80")}\n");
        var (stdout, stderr) = (new StringWriter(), new StringWriter());

        var rc = WhitelistCommand.Run(["check", path], stdout, stderr);

        Assert.That(rc, Is.EqualTo(0));
        Assert.That(stdout.ToString(), Is.EqualTo($"{path}: tenant acme, 2 entries{Environment.NewLine}"));
        Assert.That(stderr.ToString(), Is.Empty);
    }

    [Test]
    public void AnInvalidFile_PrintsEveryErrorAndExits1()
    {
        var path = Write("acme.tsv", $"{Line(Columns)}\n{With(3, "TCP")}\n{Line(Columns)}\n");
        var (stdout, stderr) = (new StringWriter(), new StringWriter());

        var rc = WhitelistCommand.Run(["check", path], stdout, stderr);

        Assert.That(rc, Is.EqualTo(1));
        Assert.That(stdout.ToString(), Is.Empty);
        Assert.That(stderr.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            $"{path}:2:{StartOf(3, Columns)}: proto: 'TCP' must be lower case: tcp",
            $"{path}:3:1: duplicate of line 1",
        }));
    }

    [Test]
    public void ADirectory_ChecksEveryFile()
    {
        Write("acme.tsv", Line(Columns));
        Write("beta.tsv", With(1, "*"));
        Write("notes.txt", "");
        var (stdout, stderr) = (new StringWriter(), new StringWriter());

        var rc = WhitelistCommand.Run(["check", _directory], stdout, stderr);

        Assert.That(rc, Is.EqualTo(1));
        Assert.That(stdout.ToString(), Is.EqualTo($"{Path.Combine(_directory, "acme.tsv")}: tenant acme, 1 entry{Environment.NewLine}"));
        Assert.That(stderr.ToString(), Does.Contain($"{Path.Combine(_directory, "beta.tsv")}:1:7: process: '*' is not allowed"));
        Assert.That(stderr.ToString(), Does.Contain("notes.txt: ignored, not a .tsv file"));
    }

    [Test]
    public void AnEmptyDirectory_IsValidButNoted()
    {
        var stderr = new StringWriter();

        Assert.That(WhitelistCommand.Run(["check", _directory], TextWriter.Null, stderr), Is.EqualTo(0));
        Assert.That(stderr.ToString(), Does.Contain("no whitelist (.tsv) files"));
    }

    [TestCase]
    [TestCase("check")]
    [TestCase("check", "a", "b")]
    [TestCase("check", "--strict")]
    [TestCase("frobnicate", "x")]
    public void WrongCommandLine_IsAUsageError(params string[] args) =>
        Assert.That(() => WhitelistCommand.Run(args, TextWriter.Null, TextWriter.Null), Throws.InstanceOf<UsageException>());

    [Test]
    public void Help_PrintsUsage()
    {
        var stderr = new StringWriter();

        Assert.That(WhitelistCommand.Run(["--help"], TextWriter.Null, stderr), Is.EqualTo(0));
        Assert.That(stderr.ToString(), Does.StartWith("usage: alsafe whitelist check PATH"));
    }

    [Test]
    public void AMissingPath_IsAnInputError() =>
        Assert.That(() => WhitelistCommand.Run(["check", Path.Combine(_directory, "nope.tsv")], TextWriter.Null, TextWriter.Null),
            Throws.InstanceOf<FileNotFoundException>());

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
