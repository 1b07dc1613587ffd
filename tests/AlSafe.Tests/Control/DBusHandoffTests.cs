using AlSafe.Daemon.Cli;
using AlSafe.Daemon.Control;
using AlSafe.TestSupport.DBus;
using AlSafe.TestSupport.Lab;
using NUnit.Framework;

namespace AlSafe.Tests.Control;

/// <summary>The hand-off methods and <c>alsafe vm</c> against a real dbus-daemon under the packaged policy, with a fake
/// daemon behind the server.</summary>
[TestFixture]
[Category("Lab")]
[NonParallelizable]
public sealed class DBusHandoffTests : FakeDaemonOnBus
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("alsafe-handoff-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task EachMethodRoundTrips()
    {
        using var client = await DBusControlClient.ConnectAsync(Bus.Address);

        Assert.That(await client.ExportVmAsync("web1"), Is.EqualTo(FakeControl.Web1Handoff));
        Assert.That(await client.ImportVmAsync("{\"format\": \"alsafe-handoff\"}"), Does.StartWith("web1: imported from node-a"));
        await client.ReleaseVmAsync("web1");
        await client.ResumeVmAsync("web1");

        Assert.That(Control.Imported, Does.Contain("{\"format\": \"alsafe-handoff\"}"));
        Assert.That(Control.Released, Does.Contain("web1"));
        Assert.That(Control.Resumed, Does.Contain("web1"));
    }

    [Test]
    public async Task ExportWritesTheFileForRootOnly()
    {
        var file = Path.Combine(_directory, "web1.handoff");

        var (code, output, error) = await Cli(null, "export", "web1", "--output", file);

        Assert.That((code, output, error), Is.EqualTo((0, $"web1: exported to {file}\n", "")));
        Assert.That(File.ReadAllText(file), Is.EqualTo(FakeControl.Web1Handoff));
        if (!OperatingSystem.IsWindows())
        {
            Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        }
    }

    [Test]
    public async Task ExportWithoutOutputPrintsTheFile()
    {
        Assert.That(await Cli(null, "export", "web1"), Is.EqualTo((0, FakeControl.Web1Handoff, "")));
    }

    [Test]
    public async Task ImportSendsTheFileAndPrintsWhatTheDaemonDid()
    {
        var file = Path.Combine(_directory, "web1.handoff");
        File.WriteAllText(file, "{\"from\": \"file\"}");

        var fromFile = await Cli(null, "import", file);
        var fromStdin = await Cli("{\"from\": \"stdin\"}", "import", "-");

        const string Done = "web1: imported from node-a, 1 inbound and 0 outbound grants installed on its port\n";
        Assert.That(fromFile, Is.EqualTo((0, Done, "")));
        Assert.That(fromStdin, Is.EqualTo((0, Done, "")));
        Assert.That(Control.Imported, Is.SupersetOf(new[] { "{\"from\": \"file\"}", "{\"from\": \"stdin\"}" }));
    }

    [Test]
    public async Task ReleaseAndResumeConfirm()
    {
        Assert.That(await Cli(null, "release", "web1"), Is.EqualTo((0, "web1: released, its rules are withdrawn from this node\n", "")));
        Assert.That(await Cli(null, "resume", "web1"), Is.EqualTo((0, "web1: export cancelled, introspection resumes\n", "")));
    }

    [TestCase("export nope", "alsafe: no VM named 'nope'\n")]
    [TestCase("export db1", "alsafe: VM db1 has never been introspected successfully on this node: there is no valid state to hand off\n")]
    [TestCase("release db1", "alsafe: VM db1 is not exported\n")]
    [TestCase("resume nope", "alsafe: no VM named 'nope'\n")]
    public async Task RefusalsAreOneLineAndExitOne(string command, string message)
    {
        Assert.That(await Cli(null, command.Split(' ')), Is.EqualTo((1, "", message)));
    }

    [Test]
    public async Task ARefusedImportIsOneLineAndExitOne()
    {
        var file = Path.Combine(_directory, "web1.handoff");
        File.WriteAllText(file, "tampered");

        Assert.That(await Cli(null, "import", file), Is.EqualTo((1, "", "alsafe: the hand-off failed its integrity check\n")));
    }

    [Test]
    public async Task AFileThatCannotBeReadIsOneLine()
    {
        var (code, output, error) = await Cli(null, "import", Path.Combine(_directory, "missing.handoff"));

        Assert.That((code, output), Is.EqualTo((1, "")));
        Assert.That(error, Does.StartWith("alsafe: ").And.Contain("missing.handoff"));
        Assert.That(error.TrimEnd('\n'), Does.Not.Contain('\n'));
    }

    [TestCase("")]
    [TestCase("export")]
    [TestCase("export web1 db1")]
    [TestCase("import")]
    [TestCase("import a.handoff --output b")]
    [TestCase("release")]
    [TestCase("migrate web1")]
    public void AWrongCommandLineIsAUsageError(string command)
    {
        Assert.ThrowsAsync<UsageException>(() => Cli(null, command.Length == 0 ? [] : command.Split(' ')));
    }

    [Test]
    public async Task ThePolicyRefusesEveryoneButRoot()
    {
        var export = await Bus.SendAsync(
            ["--dest=org.alsafe.Daemon1", "/org/alsafe/Daemon1", "org.alsafe.Daemon1.ExportVm", "string:web1"], Nobody, CancellationToken.None);
        var import = await Bus.SendAsync(
            ["--dest=org.alsafe.Daemon1", "/org/alsafe/Daemon1", "org.alsafe.Daemon1.ImportVm", "string:{}"], Nobody, CancellationToken.None);

        Assert.That(export.Error, Does.Contain("org.freedesktop.DBus.Error.AccessDenied"));
        Assert.That(import.Error, Does.Contain("org.freedesktop.DBus.Error.AccessDenied"));
    }

    private async Task<(int Code, string Output, string Error)> Cli(string? stdin, params string[] command)
    {
        using var input = new StringReader(stdin ?? "");
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var code = await VmCommand.RunAsync(command, input, stdout, stderr, Bus.Address);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
