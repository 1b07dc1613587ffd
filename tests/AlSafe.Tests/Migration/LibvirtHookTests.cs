using System.Runtime.Versioning;
using AlSafe.TestSupport.Lab;
using AlSafe.TestSupport.Net;
using NUnit.Framework;

namespace AlSafe.Tests.Migration;

/// <summary>
/// packaging/libvirt/qemu run as libvirt runs it (VM OPERATION SUBOPERATION -, the domain XML on stdin), with a fake
/// <c>alsafe</c> that records its arguments, and its directories in a temporary one: which descriptor it writes and
/// which commands it issues for each event.
/// </summary>
[TestFixture]
[SupportedOSPlatform("linux")]
public sealed class LibvirtHookTests
{
    private const string Vm = "web1";

    private static readonly string Hook = Path.Combine(LabAssets.RepositoryRoot, "packaging", "libvirt", "qemu");

    private static readonly string Domain = """
        <domain type='kvm'>
          <name>web1</name>
          <metadata>
            <alsafe:vm xmlns:alsafe="https://alsafe.dev/libvirt/1" tenant="acme" memory="/dev/shm/web1.ram"
                       qmp="/run/alsafe/web1.qmp" addresses="192.0.2.10, fd00:a15a::10"/>
          </metadata>
        </domain>
        """;

    private string _directory = null!;
    private string _calls = null!;
    private string _fakeExit = null!;

    private string VmsDirectory => Path.Combine(_directory, "vms.d");

    private string HandoffDirectory => Path.Combine(_directory, "handoff");

    private string Descriptor => Path.Combine(VmsDirectory, Vm + ".conf");

    [SetUp]
    public void CreateDirectories()
    {
        _directory = Directory.CreateTempSubdirectory("alsafe-hook-").FullName;
        _calls = Path.Combine(_directory, "calls");
        _fakeExit = Path.Combine(_directory, "exit");
        Directory.CreateDirectory(HandoffDirectory);
        var fake = Path.Combine(_directory, "alsafe");
        File.WriteAllText(fake, $"#!/bin/sh\necho \"$*\" >>'{_calls}'\nexit $(cat '{_fakeExit}' 2>/dev/null || echo 0)\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    [TearDown]
    public void DeleteDirectories() => Directory.Delete(_directory, recursive: true);

    [Test]
    public async Task MigrateBeginWritesThePrivateDescriptorFromTheMetadataAndKeepsTheXml()
    {
        var run = await HookAsync("migrate", "begin");
        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Output, Is.Empty, "no output: libvirt keeps its XML");
        Assert.That(Calls(), Is.Empty);
        Assert.That(File.ReadAllText(Descriptor), Does.Contain("[vm]\ntenant = acme\nmemory = /dev/shm/web1.ram\nlayout = q35\n" +
                                                           "qmp = /run/alsafe/web1.qmp\naddresses = 192.0.2.10, fd00:a15a::10\n"));
        Assert.That(File.GetUnixFileMode(Descriptor), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public async Task StartOfAnIncomingMigrationReloadsThenImportsTheHandoffBeforeTheVmRuns()
    {
        var handoff = Path.Combine(HandoffDirectory, Vm + ".handoff");
        await File.WriteAllTextAsync(handoff, "{}");
        await HookAsync("migrate", "begin");
        await HookAsync("prepare", "begin");
        var run = await HookAsync("start", "begin");
        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(Calls(), Is.EqualTo(new[] { "reload", $"vm import {handoff}" }));
        Assert.That(File.Exists(handoff), Is.False, "an imported hand-off is deleted");

        await HookAsync("started", "begin");
        Assert.That(Calls(), Has.Length.EqualTo(2), "started issues nothing");
    }

    [Test]
    public async Task AnOrdinaryStartWritesTheDescriptorAndImportsNothing()
    {
        await File.WriteAllTextAsync(Path.Combine(HandoffDirectory, Vm + ".handoff"), "{}");
        Assert.That((await HookAsync("prepare", "begin")).ExitCode, Is.Zero);
        Assert.That((await HookAsync("start", "begin")).ExitCode, Is.Zero);
        Assert.That(File.Exists(Descriptor), Is.True);
        Assert.That(Calls(), Is.Empty);
    }

    [Test]
    public async Task AnIncomingVmWithoutHandoffStartsDefaultDenyAfterABoundedWait()
    {
        await HookAsync("migrate", "begin");
        var run = await HookAsync("start", "begin");
        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(run.Error, Does.Contain("default-deny"));
        Assert.That(Calls(), Is.EqualTo(new[] { "reload" }));
    }

    [Test]
    public async Task ARefusedHandoffIsKeptAndTheStartGoesOn()
    {
        var handoff = Path.Combine(HandoffDirectory, Vm + ".handoff");
        await File.WriteAllTextAsync(handoff, "{}");
        await HookAsync("migrate", "begin");
        await File.WriteAllTextAsync(_fakeExit, "1");
        var run = await HookAsync("start", "begin");
        Assert.That(run.ExitCode, Is.Zero, run.Error);
        Assert.That(Calls(), Is.EqualTo(new[] { "reload", $"vm import {handoff}" }));
        Assert.That(File.Exists(handoff), Is.True, "kept for the operator to look at");
    }

    [Test]
    public async Task StoppedReleasesTheVmAndReleaseRemovesOnlyADescriptorTheHookWrote()
    {
        await HookAsync("prepare", "begin");
        await File.WriteAllTextAsync(_fakeExit, "1");
        var stopped = await HookAsync("stopped", "end");
        Assert.That(stopped.ExitCode, Is.Zero, "a VM that was not exported is no error");
        Assert.That(Calls(), Is.EqualTo(new[] { $"vm release {Vm}" }));
        await HookAsync("release", "end");
        Assert.That(File.Exists(Descriptor), Is.False);

        Directory.CreateDirectory(VmsDirectory);
        await File.WriteAllTextAsync(Descriptor, "[vm]\n");
        await HookAsync("release", "end");
        Assert.That(File.Exists(Descriptor), Is.True, "the orchestrator's own descriptor stays");
    }

    [Test]
    public async Task ADomainWithoutAlSafeMetadataIsLeftAlone()
    {
        foreach (var (operation, suboperation) in new[] { ("migrate", "begin"), ("prepare", "begin"), ("start", "begin"), ("stopped", "end") })
        {
            var run = await HookAsync(operation, suboperation, "<domain><name>web1</name></domain>");
            Assert.That(run.ExitCode, Is.Zero);
        }

        Assert.That(Calls(), Is.Empty);
        Assert.That(Directory.Exists(VmsDirectory), Is.False);
    }

    [Test]
    public async Task AMetadataValueThatWouldForgeADescriptorKeyIsRefused()
    {
        var forged = Domain.Replace("tenant=\"acme\"", "tenant=\"acme&#10;profile = /tmp/evil.json\"", StringComparison.Ordinal);
        var run = await HookAsync("prepare", "begin", forged);
        Assert.That(run.ExitCode, Is.Not.Zero, "libvirt does not start the VM");
        Assert.That(File.Exists(Descriptor), Is.False);
    }

    private async Task<CommandResult> HookAsync(string operation, string suboperation, string? xml = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await NetCommand.RunAsync("bash", [Hook, Vm, operation, suboperation, "-"], TimeSpan.FromSeconds(20), timeout.Token,
            new Dictionary<string, string>
            {
                ["ALSAFE"] = Path.Combine(_directory, "alsafe"),
                ["ALSAFE_VMS_DIR"] = VmsDirectory,
                ["ALSAFE_HANDOFF"] = HandoffDirectory,
                ["ALSAFE_STATE"] = Path.Combine(_directory, "state"),
                ["ALSAFE_WAIT"] = "1",
                ["ALSAFE_HOOK_CONFIG"] = Path.Combine(_directory, "no-such.conf"),
            }, xml ?? Domain);
    }

    private string[] Calls() => File.Exists(_calls) ? File.ReadAllLines(_calls) : [];
}
