using AlSafe.Daemon.Cli;
using NUnit.Framework;

namespace AlSafe.Tests.Daemon;

/// <summary><c>alsafe run</c>'s refusals before it touches anything, and <c>--check-config</c>.</summary>
[TestFixture]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RunCommandTests
{
    private string _directory = null!;

    [SetUp]
    public void MakeDirectory()
    {
        _directory = Directory.CreateTempSubdirectory("alsafe-run-").FullName;
        File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [TearDown]
    public void RemoveDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task AConfigurationWithErrorsIsRefusedWithFileLineAndKey()
    {
        var config = Write("alsafe.conf", "[node]\nname = node1\n[adaptation]\nperiod = often\n");
        var stderr = new StringWriter();
        Assert.That(await RunCommand.RunAsync(["--config", config], stderr), Is.EqualTo(1));
        Assert.That(stderr.ToString(), Does.Contain($"{config}:4: [adaptation] period:"));
    }

    [Test]
    public async Task AConfigurationOthersCanWriteIsRefused()
    {
        var config = Write("alsafe.conf", "[node]\nname = node1\n");
        File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite);
        var stderr = new StringWriter();
        Assert.That(await RunCommand.RunAsync(["--config", config], stderr), Is.EqualTo(1));
        Assert.That(stderr.ToString(), Does.Contain(config).And.Contain("writable"));
    }

    [Test]
    public async Task CheckConfigReportsABadWhitelistAndABadDescriptorAndStartsNothing()
    {
        var whitelists = Directory.CreateDirectory(Path.Combine(_directory, "whitelist.d")).FullName;
        var vms = Directory.CreateDirectory(Path.Combine(_directory, "vms.d")).FullName;
        Write(Path.Combine("whitelist.d", "acme.tsv"), "web1\tnginx\t*\ttcp\tinbound\t80\t*\t*\n");
        Write(Path.Combine("vms.d", "web1.conf"), "[vm]\ntenant = acme\n");
        var config = Write("alsafe.conf",
            $"[node]\nname = node1\nvms_dir = {vms}\nwhitelist_dir = {whitelists}\n[control]\nbus = none\n");
        var stderr = new StringWriter();
        Assert.That(await RunCommand.RunAsync(["--config", config, "--check-config"], stderr), Is.EqualTo(1));
        Assert.That(stderr.ToString(), Does.Contain("acme.tsv:1:").And.Contain("direction"));
        Assert.That(stderr.ToString(), Does.Contain("web1.conf").And.Contain("memory"));
    }

    [Test]
    public async Task CheckConfigPassesGoodFiles()
    {
        var whitelists = Directory.CreateDirectory(Path.Combine(_directory, "whitelist.d")).FullName;
        var vms = Directory.CreateDirectory(Path.Combine(_directory, "vms.d")).FullName;
        Write(Path.Combine("whitelist.d", "acme.tsv"), "web1\tnginx\t*\ttcp\tin\t80\t*\t*\n");
        Write(Path.Combine("vms.d", "web1.conf"), "[vm]\ntenant = acme\nmemory = /dev/shm/web1.ram\nmode = live\naddresses = 192.0.2.10\n");
        var config = Write("alsafe.conf",
            $"[node]\nname = node1\nvms_dir = {vms}\nwhitelist_dir = {whitelists}\n[control]\nbus = none\n");
        var stderr = new StringWriter();
        Assert.That(await RunCommand.RunAsync(["--config", config, "--check-config"], stderr), Is.Zero, stderr.ToString());
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }
}
