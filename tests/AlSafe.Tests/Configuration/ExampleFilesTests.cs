using System.Text.RegularExpressions;
using AlSafe.Core.Adaptation;
using AlSafe.Daemon.Configuration;
using AlSafe.TestSupport.Lab;
using NUnit.Framework;

namespace AlSafe.Tests.Configuration;

/// <summary>The example files parse as they ship, document every key, and show the real defaults.</summary>
public sealed partial class ExampleFilesTests
{
    private static readonly string DaemonExample = Path.Combine(LabAssets.RepositoryRoot, "alsafe.conf.example");
    private static readonly string VmExample = Path.Combine(LabAssets.RepositoryRoot, "packaging", "vm.conf.example");

    private static readonly Dictionary<string, string[]> DaemonKeys = new()
    {
        ["node"] = ["name", "vms_dir", "whitelist_dir", "trusted_files_only"],
        ["introspection"] = ["profiles", "mode", "deadline", "max_tasks", "max_fds_per_task", "max_path_depth"],
        ["adaptation"] = ["period", "min_period", "max_period", "concurrency", "cycle_deadline", "backoff_initial", "backoff_max", "whitelist_poll"],
        ["switch"] = ["bridge", "management_socket", "tcp", "ovsdb", "request_timeout", "reconcile_interval"],
        ["edge"] =
        [
            "host", "port", "user", "private_key", "known_hosts", "host_key_fingerprint", "protected_prefixes", "connect_timeout",
            "command_timeout", "reconcile_interval",
        ],
        ["control"] = ["bus"],
        ["log"] = ["journal_socket"],
        ["migration"] = ["key", "max_age"],
    };

    private string _directory = "";

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("alsafe-example-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void TheDaemonExample_LoadsAsShipped_WithTheDefaultsOfAnEmptyFile()
    {
        var empty = Path.Combine(_directory, "empty.conf");
        File.WriteAllText(empty, "");

        var shipped = DaemonOptionsReader.Load(DaemonExample, "compute-01");
        var defaults = DaemonOptionsReader.Load(empty, "compute-01");

        Assert.That(shipped.Edge, Is.Null);
        Assert.That(shipped.Node, Is.EqualTo(defaults.Node));
        Assert.That(shipped.Introspection, Is.EqualTo(defaults.Introspection));
        Assert.That(shipped.Adaptation, Is.EqualTo(defaults.Adaptation));
        Assert.That(shipped.Switch with { Ovsdb = defaults.Switch.Ovsdb }, Is.EqualTo(defaults.Switch));
        Assert.That(shipped.Switch.Ovsdb.Text, Is.EqualTo(defaults.Switch.Ovsdb.Text));
        Assert.That(shipped.Control, Is.EqualTo(defaults.Control));
    }

    [Test]
    public void TheDaemonExample_WithItsEdgeUncommented_Loads()
    {
        var copy = Path.Combine(_directory, "alsafe.conf");
        File.WriteAllLines(copy, UncommentEdge(File.ReadAllLines(DaemonExample)));

        var edge = DaemonOptionsReader.Load(copy, "compute-01").Edge;

        Assert.That(edge, Is.Not.Null);
        Assert.That((edge!.Host, edge.Port, edge.User, edge.PrivateKey, edge.KnownHosts, edge.HostKeyFingerprint),
            Is.EqualTo(("edge.example", 22, "root", "/etc/alsafe/edge_key", "/etc/alsafe/edge_known_hosts", (string?)null)));
        Assert.That(edge.ProtectedPrefixes.Select(p => p.ToString()), Is.EqualTo(new[] { "192.0.2.0/24", "fd00:a15a::/64" }));
        Assert.That((edge.ConnectTimeout, edge.CommandTimeout, edge.ReconcileInterval),
            Is.EqualTo((TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30))));
    }

    [Test]
    public void TheDaemonExample_WithTheFingerprintInsteadOfKnownHosts_Loads()
    {
        var lines = UncommentEdge(File.ReadAllLines(DaemonExample))
            .Where(line => !line.StartsWith("known_hosts = ", StringComparison.Ordinal))
            .Select(line => line.Replace("# (instead of known_hosts) ", "", StringComparison.Ordinal));
        var copy = Path.Combine(_directory, "alsafe.conf");
        File.WriteAllLines(copy, lines);

        var edge = DaemonOptionsReader.Load(copy, "compute-01").Edge!;

        Assert.That((edge.KnownHosts, edge.HostKeyFingerprint), Is.EqualTo(((string?)null, "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s")));
    }

    [Test]
    public void TheDaemonExample_DocumentsEveryKey()
    {
        var documented = new Dictionary<string, List<string>>();
        var section = "";
        foreach (var line in File.ReadAllLines(DaemonExample))
        {
            var header = Header().Match(line);
            if (header.Success)
            {
                section = header.Groups[1].Value;
                documented.TryAdd(section, []);
                continue;
            }

            var setting = Setting().Match(line);
            if (setting.Success)
            {
                documented[section].Add(setting.Groups[1].Value);
            }
        }

        Assert.That(documented.Keys, Is.EqualTo(DaemonKeys.Keys));
        foreach (var (name, keys) in DaemonKeys)
        {
            Assert.That(documented[name], Is.EquivalentTo(keys), $"[{name}]");
        }
    }

    [Test]
    public void TheDaemonExample_WithItsMigrationUncommented_Loads()
    {
        var copy = Path.Combine(_directory, "alsafe.conf");
        var inMigration = false;
        File.WriteAllLines(copy, File.ReadAllLines(DaemonExample).Select(line =>
        {
            inMigration = line == "# [migration]" || inMigration;
            return inMigration && (line == "# [migration]" || CommentedSetting().IsMatch(line)) ? line[2..] : line;
        }));

        var migration = DaemonOptionsReader.Load(copy, "compute-01").Migration;

        Assert.That(migration, Is.EqualTo(new MigrationSettings("/etc/alsafe/migration.key", TimeSpan.FromMinutes(10))));
        Assert.That(DaemonOptionsReader.Load(DaemonExample, "compute-01").Migration, Is.Null);
    }

    [Test]
    public void TheVmExample_ParsesAsShipped_AndWithItsOptionalKeys()
    {
        var shipped = VmDescriptorParser.Parse(Path.Combine(_directory, "web1.conf"), File.ReadAllText(VmExample));
        var uncommented = VmDescriptorParser.Parse(Path.Combine(_directory, "web1.conf"),
            string.Join('\n', File.ReadAllLines(VmExample).Select(line => Setting().Replace(line, "$1 = "))));

        Assert.That(shipped.Errors, Is.Empty);
        Assert.That(shipped.Descriptor!.Tenant, Is.EqualTo("acme"));
        Assert.That(shipped.Descriptor.Addresses.Select(a => a.ToString()), Is.EqualTo(new[] { "192.0.2.10", "fd00:a15a::10" }));
        Assert.That(uncommented.Errors, Is.Empty);
        Assert.That((uncommented.Descriptor!.Live, uncommented.Descriptor.Period), Is.EqualTo(((bool?)false, (TimeSpan?)TimeSpan.FromSeconds(5))));
    }

    [Test]
    public void TheVmExample_DocumentsEveryKey()
    {
        var keys = File.ReadAllLines(VmExample).Select(line => Setting().Match(line)).Where(m => m.Success).Select(m => m.Groups[1].Value);

        Assert.That(keys, Is.EquivalentTo(new[] { "tenant", "memory", "layout", "qmp", "mode", "profile", "addresses", "period" }));
    }

    /// <summary>The lines from the commented-out [edge] header to the next section, with their settings uncommented.</summary>
    private static IEnumerable<string> UncommentEdge(IEnumerable<string> lines)
    {
        var inEdge = false;
        foreach (var line in lines)
        {
            inEdge = line == "# [edge]" || (inEdge && !line.StartsWith('['));
            yield return inEdge && (line == "# [edge]" || CommentedSetting().IsMatch(line)) ? line[2..] : line;
        }
    }

    /// <summary>A section header, possibly commented out.</summary>
    [GeneratedRegex(@"^(?:# )?\[([a-z_]+)\]$")]
    private static partial Regex Header();

    /// <summary>A setting commented out as a whole, <c># key = value</c>.</summary>
    [GeneratedRegex(@"^# [a-z_]+ = ")]
    private static partial Regex CommentedSetting();

    /// <summary>A setting, possibly commented out (<c># key = value</c>), or one offered as an alternative.</summary>
    [GeneratedRegex(@"^(?:# (?:\(instead of [a-z_]+\) )?)?([a-z_]+) = ")]
    private static partial Regex Setting();
}
