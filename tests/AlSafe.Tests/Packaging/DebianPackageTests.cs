using AlSafe.Daemon.Cli;
using AlSafe.TestSupport.Lab;
using NUnit.Framework;

namespace AlSafe.Tests.Packaging;

/// <summary>
/// The Debian package as an operator gets it: built once by packaging/build-deb.sh, inspected, installed on this
/// machine with dpkg, run from the installed files, then purged. The machine is left as it was found: the package is
/// purged even when a test fails, and a machine that already has AL-SAFE installed, or files where the package would
/// put its own, is not touched at all.
/// </summary>
[TestFixture]
[Category("Lab")]
[NonParallelizable]
public sealed class DebianPackageTests
{
    private const string Package = "alsafe";
    private const string EnablementLink = "/etc/systemd/system/multi-user.target.wants/alsafe.service";
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan DpkgTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(1);

    private string? _directory;
    private string _deb = null!;
    private IReadOnlyList<PackageEntry> _entries = [];
    private HashSet<string> _existedBefore = [];
    private bool _installed;

    private static string ProjectVersion => typeof(RunCommand).Assembly.GetName().Version!.ToString(3);

    [OneTimeSetUp]
    public async Task BuildAndInstallAsync()
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess || !File.Exists("/usr/bin/dpkg-deb"))
        {
            Assert.Ignore("needs a Debian machine and root, to install the package with dpkg");
        }

        if (await InstalledStatusAsync() is { } status)
        {
            Assert.Ignore($"{Package} is already on this machine ({status}): the test will not replace it; " +
                          $"`dpkg --purge {Package}` lets it run");
        }

        _directory = Directory.CreateTempSubdirectory("alsafe-deb-").FullName;
        var build = await HostCommand.RunAsync(Path.Combine(LabAssets.RepositoryRoot, "packaging", "build-deb.sh"),
            [_directory], BuildTimeout);
        Assert.That(build.ExitCode, Is.Zero, build.ToString);
        _deb = build.Output.Trim();
        Assert.That(_deb, Is.EqualTo(Path.Combine(_directory, $"{Package}_{ProjectVersion}_amd64.deb")), build.ToString);

        var contents = await Dpkg("dpkg-deb", "--contents", _deb);
        _entries = [.. contents.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(PackageEntry.Parse)];
        _existedBefore = [.. _entries.Where(e => Present(e.Path)).Select(e => e.Path)];
        if (_entries.FirstOrDefault(e => !e.IsDirectory && _existedBefore.Contains(e.Path)) is { } clash)
        {
            Assert.Ignore($"{clash.Path} exists already: installing the package would overwrite it");
        }

        _installed = true;
        await Dpkg("dpkg", "--install", _deb);
    }

    [OneTimeTearDown]
    public async Task PurgeAsync()
    {
        try
        {
            if (_installed && await InstalledStatusAsync() is not null)
            {
                await HostCommand.RunAsync("dpkg", ["--purge", Package], DpkgTimeout);
            }
        }
        finally
        {
            if (_directory is not null)
            {
                Directory.Delete(_directory, recursive: true);
            }
        }
    }

    [Test]
    [Order(1)]
    public void ThePackageHoldsTheDaemonItsUnitConfigurationAndPolicyWithSafeModes()
    {
        var byPath = _entries.ToDictionary(e => e.Path);
        var expected = new Dictionary<string, string>
        {
            ["/usr/lib/alsafe/alsafe"] = "-rwxr-xr-x",
            ["/usr/bin/alsafe"] = "lrwxrwxrwx",
            ["/lib/systemd/system/alsafe.service"] = "-rw-r--r--",
            ["/etc/alsafe"] = "drwxr-xr-x",
            ["/etc/alsafe/alsafe.conf"] = "-rw-------",
            ["/etc/alsafe/whitelist.d"] = "drwxr-xr-x",
            ["/etc/alsafe/whitelist.d/example.tsv"] = "-rw-r--r--",
            ["/etc/alsafe/vms.d"] = "drwxr-xr-x",
            ["/usr/share/dbus-1/system.d/org.alsafe.Daemon1.conf"] = "-rw-r--r--",
            ["/usr/share/doc/alsafe/README.md"] = "-rw-r--r--",
            ["/var/lib/alsafe/profiles"] = "drwxr-xr-x",
            ["/etc/libvirt/hooks/qemu.d/alsafe"] = "-rwxr-xr-x",
        };
        Assert.Multiple(() =>
        {
            foreach (var (path, mode) in expected)
            {
                Assert.That(byPath.TryGetValue(path, out var entry) ? entry.Mode : "missing", Is.EqualTo(mode), path);
            }

            Assert.That(byPath["/usr/bin/alsafe"].LinkTarget, Is.EqualTo("../lib/alsafe/alsafe"));
            Assert.That(_entries.Where(e => e.Owner != "root/root").Select(e => e.Path), Is.Empty, "owned by another account");
            Assert.That(_entries.Where(e => !e.IsLink && (e.Mode[5] == 'w' || e.Mode[8] == 'w')).Select(e => e.Path),
                Is.Empty, "writable by group or others");
        });
    }

    [Test]
    [Order(1)]
    public async Task TheControlFileNamesTheProjectVersionAndWhatTheDaemonNeeds()
    {
        var fields = (await Dpkg("dpkg-deb", "--field", _deb, "Package", "Version", "Architecture", "Depends"))
            .Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(": ", 2))
            .ToDictionary(pair => pair[0], pair => pair[1].Trim());
        Assert.Multiple(() =>
        {
            Assert.That(fields["Package"], Is.EqualTo(Package));
            Assert.That(fields["Version"], Is.EqualTo(ProjectVersion));
            Assert.That(fields["Architecture"], Is.EqualTo("amd64"));
            Assert.That(fields["Depends"], Does.Contain("openvswitch-switch (>= 3.1)").And.Contain("liblzma5"));
        });
    }

    [Test]
    [Order(1)]
    public async Task EveryFileUnderEtcIsAConffile()
    {
        var conffiles = (await Dpkg("dpkg-deb", "--info", _deb, "conffiles")).Output
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var underEtc = _entries.Where(e => !e.IsDirectory && e.Path.StartsWith("/etc/", StringComparison.Ordinal))
            .Select(e => e.Path);
        Assert.That(conffiles, Is.EquivalentTo(underEtc));
        Assert.That(conffiles, Does.Contain("/etc/alsafe/alsafe.conf").And.Contain("/etc/alsafe/whitelist.d/example.tsv"));
    }

    [Test]
    [Order(2)]
    public async Task TheInstalledAlsafePrintsTheProjectVersion()
    {
        var version = await HostCommand.RunAsync("/usr/bin/alsafe", ["--version"], CommandTimeout);
        Assert.That(version.ExitCode, Is.Zero, version.ToString);
        Assert.That(version.Output.Trim(), Is.EqualTo($"alsafe {ProjectVersion}"));
    }

    /// <summary>A fresh node has no VM and no tenant yet, which is not an error: the default configuration (switch
    /// only, no edge) and the example whitelist are good as installed, so a check passes before any edit.</summary>
    [Test]
    [Order(2)]
    public async Task TheInstalledDefaultConfigurationPassesCheckConfig()
    {
        var check = await HostCommand.RunAsync("/usr/bin/alsafe", ["run", "--check-config"], CommandTimeout);
        Assert.That(check.ExitCode, Is.Zero, check.ToString);
        Assert.That(check.Output, Does.Contain("/etc/alsafe/alsafe.conf: configuration, whitelists and VM descriptors are good"));
    }

    [Test]
    [Order(2)]
    public async Task TheInstalledUnitPassesSystemdAnalyzeVerify()
    {
        var verify = await HostCommand.RunAsync("systemd-analyze", ["verify", "/lib/systemd/system/alsafe.service"],
            CommandTimeout);
        Assert.That(verify.ExitCode, Is.Zero, verify.ToString);
        Assert.That(verify.Error, Does.Not.Contain("alsafe.service"), verify.ToString);
    }

    [Test]
    [Order(2)]
    public async Task TheInstalledFilesMatchThePackageAndTheServiceIsNotEnabled()
    {
        var verify = await Dpkg("dpkg", "--verify", Package);
        Assert.That(verify.Output + verify.Error, Is.Empty);
        Assert.That(Present(EnablementLink), Is.False, "installing must not enable the service before it is configured");
    }

    [Test]
    [Order(3)]
    public async Task PurgeLeavesNothingOfThePackageBehind()
    {
        await Dpkg("dpkg", "--purge", Package);
        Assert.That(await InstalledStatusAsync(), Is.Null);
        var left = _entries.Select(e => e.Path).Where(path => Present(path) != _existedBefore.Contains(path));
        Assert.That(left, Is.Empty);
        Assert.That(Present(EnablementLink), Is.False);
    }

    /// <summary>A path as the file system has it, a dangling link included.</summary>
    private static bool Present(string path) => Path.Exists(path) || new FileInfo(path).LinkTarget is not null;

    private static async Task<HostCommandResult> Dpkg(string tool, params string[] arguments)
    {
        var result = await HostCommand.RunAsync(tool, arguments, DpkgTimeout);
        Assert.That(result.ExitCode, Is.Zero, result.ToString);
        return result;
    }

    /// <summary>dpkg's status of the package when dpkg knows it in any state (installed, half-installed,
    /// config-files...), null when it does not.</summary>
    private static async Task<string?> InstalledStatusAsync()
    {
        var query = await HostCommand.RunAsync("dpkg-query", ["--show", "--showformat=${Status}", Package], CommandTimeout);
        return query.ExitCode == 0 && !query.Output.Contains("not-installed", StringComparison.Ordinal)
            ? query.Output.Trim()
            : null;
    }
}
