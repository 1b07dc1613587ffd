using System.Net;
using AlSafe.Core.Configuration;
using AlSafe.Core.Introspection;
using AlSafe.Core.Whitelist;
using AlSafe.Daemon.Configuration;
using AlSafe.Interop.Ovsdb;
using NUnit.Framework;

namespace AlSafe.Tests.Configuration;

/// <summary>alsafe.conf: defaults, every key's good and bad forms with the error's exact place, and the rules
/// between keys.</summary>
public sealed class DaemonOptionsReaderTests
{
    private const string HostName = "compute-07";

    private static readonly AddressPrefix[] NoPrefixes = [];

    private const string Edge = """
        [edge]
        host = edge.example
        private_key = /etc/alsafe/edge_key
        known_hosts = /etc/alsafe/edge_known_hosts
        protected_prefixes = 192.0.2.0/24, fd00:a15a::/64
        """;

    private string _directory = "";
    private string _path = "";

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Directory.CreateTempSubdirectory("alsafe-conf-").FullName;
        _path = Path.Combine(_directory, "alsafe.conf");
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void AnEmptyFile_GivesEveryDefault()
    {
        var options = Load("");

        Assert.That(options.SourcePath, Is.EqualTo(_path));
        Assert.That(options.Node, Is.EqualTo(new NodeSettings(HostName, "/etc/alsafe/vms.d", "/etc/alsafe/whitelist.d", true)));
        Assert.That(options.Introspection, Is.EqualTo(new IntrospectionSettings("/var/lib/alsafe/profiles", false, IntrospectionLimits.Default)));
        Assert.That(options.Adaptation, Is.EqualTo(new AdaptationSettings(
            Seconds(5), Seconds(1), Seconds(3600), 2, Seconds(10), Seconds(1), Seconds(60), Seconds(2))));
        Assert.That(options.Switch with { Ovsdb = OvsdbEndpoint.Default }, Is.EqualTo(new SwitchSettings(
            "br-int", "/var/run/openvswitch/br-int.mgmt", null, 6653, OvsdbEndpoint.Default, Seconds(10), Seconds(30))));
        Assert.That(options.Switch.Ovsdb.Text, Is.EqualTo("unix:/var/run/openvswitch/db.sock"));
        Assert.That(options.Edge, Is.Null);
        Assert.That(options.Control, Is.EqualTo(new ControlSettings("system")));
        Assert.That(options.Log, Is.EqualTo(new LogSettings("/run/systemd/journal/socket")));
    }

    [Test]
    public void TheJournalSocket_IsAnAbsolutePath()
    {
        Assert.That(Load("[log]\njournal_socket = /run/systemd/journal.alsafe/socket\n").Log.JournalSocket,
            Is.EqualTo("/run/systemd/journal.alsafe/socket"));
        var error = Assert.Throws<ConfigurationException>(() => Load("[log]\njournal_socket = journal.sock\n"))!;
        Assert.That(error.Errors.Single().ToString(), Does.StartWith($"{_path}:2: [log] journal_socket:"));
    }

    [Test]
    public void EveryKey_IsRead()
    {
        var options = Load("""
            [node]
            name = node_1
            vms_dir = /srv/vms
            whitelist_dir = /srv/whitelists
            trusted_files_only = no
            [introspection]
            profiles = /srv/profiles
            mode = live
            deadline = 750ms
            max_tasks = 1000
            max_fds_per_task = 2000
            max_path_depth = 64
            [adaptation]
            period = 10s
            min_period = 2s
            max_period = 10m
            concurrency = 8
            cycle_deadline = 30s
            backoff_initial = 500ms
            backoff_max = 2m
            whitelist_poll = 5s
            [switch]
            bridge = br-vm
            tcp = [fd00::1]:16653
            ovsdb = tcp:127.0.0.1:6640
            request_timeout = 3s
            reconcile_interval = 1m
            [edge]
            host = 2001:db8::e
            port = 2222
            user = alsafe
            private_key = /etc/alsafe/key
            host_key_fingerprint = SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s
            protected_prefixes = 198.51.100.0/24
            connect_timeout = 5s
            command_timeout = 7s
            reconcile_interval = 45s
            [control]
            bus = unix:path=/run/alsafe/bus
            """);

        Assert.That(options.Node, Is.EqualTo(new NodeSettings("node_1", "/srv/vms", "/srv/whitelists", false)));
        Assert.That(options.Introspection, Is.EqualTo(new IntrospectionSettings("/srv/profiles", true, new IntrospectionLimits
        {
            Deadline = TimeSpan.FromMilliseconds(750),
            MaxTasks = 1000,
            MaxFdsPerTask = 2000,
            MaxPathDepth = 64,
        })));
        Assert.That(options.Adaptation, Is.EqualTo(new AdaptationSettings(
            Seconds(10), Seconds(2), Seconds(600), 8, Seconds(30), TimeSpan.FromMilliseconds(500), Seconds(120), Seconds(5))));
        Assert.That(options.Switch with { Ovsdb = OvsdbEndpoint.Default }, Is.EqualTo(new SwitchSettings(
            "br-vm", null, "fd00::1", 16653, OvsdbEndpoint.Default, Seconds(3), Seconds(60))));
        Assert.That(options.Switch.Ovsdb.Text, Is.EqualTo("tcp:127.0.0.1:6640"));
        var edge = options.Edge!;
        Assert.That(edge with { ProtectedPrefixes = NoPrefixes }, Is.EqualTo(new EdgeSettings(
            "2001:db8::e", 2222, "alsafe", "/etc/alsafe/key", null, "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s", NoPrefixes,
            Seconds(5), Seconds(7), Seconds(45))));
        Assert.That(edge.ProtectedPrefixes.Select(p => p.ToString()), Is.EqualTo(new[] { "198.51.100.0/24" }));
        Assert.That(options.Control.Bus, Is.EqualTo("unix:path=/run/alsafe/bus"));
    }

    [Test]
    public void AnEdgeSection_TakesItsDefaults()
    {
        var edge = Load(Edge).Edge!;

        Assert.That(edge with { ProtectedPrefixes = NoPrefixes }, Is.EqualTo(new EdgeSettings(
            "edge.example", 22, "root", "/etc/alsafe/edge_key", "/etc/alsafe/edge_known_hosts", null, NoPrefixes,
            Seconds(10), Seconds(20), Seconds(30))));
        Assert.That(edge.ProtectedPrefixes.Select(p => p.ToString()), Is.EqualTo(new[] { "192.0.2.0/24", "fd00:a15a::/64" }));
    }

    [TestCase("bridge = br-ex", "/var/run/openvswitch/br-ex.mgmt")]
    [TestCase("management_socket = /run/ovs/br-int.mgmt", "/run/ovs/br-int.mgmt")]
    public void TheManagementSocket_FollowsTheBridge(string line, string socket) =>
        Assert.That(Load($"[switch]\n{line}").Switch.ManagementSocket, Is.EqualTo(socket));

    [TestCase("tcp = 127.0.0.1:6653", "127.0.0.1", 6653)]
    [TestCase("tcp = ovs.example:16653", "ovs.example", 16653)]
    [TestCase("tcp = [::1]:1", "::1", 1)]
    public void ATcpSwitch_HasNoManagementSocket(string line, string host, int port)
    {
        var settings = Load($"[switch]\n{line}").Switch;

        Assert.That((settings.ManagementSocket, settings.TcpHost, settings.TcpPort), Is.EqualTo(((string?)null, host, port)));
    }

    [TestCase("node", "name = -node", "'-node' is not a node name: 1 to 32 letters, digits, '_' or '-', starting with a letter or digit (it names the node's sets and chains on the edge)")]
    [TestCase("node", "name = compute.01", "'compute.01' is not a node name: 1 to 32 letters, digits, '_' or '-', starting with a letter or digit (it names the node's sets and chains on the edge)")]
    [TestCase("node", "name =", "has no value: give one, or remove the line to take the default")]
    [TestCase("node", "vms_dir = vms.d", "'vms.d' is not an absolute path: it must start with /")]
    [TestCase("node", "whitelist_dir = ~/w", "'~/w' is not an absolute path: it must start with /")]
    [TestCase("node", "trusted_files_only = maybe", "'maybe' is not a boolean: use true, false, yes or no")]
    [TestCase("introspection", "profiles = profiles", "'profiles' is not an absolute path: it must start with /")]
    [TestCase("introspection", "mode = Pause", "'Pause' is not one of pause, live")]
    [TestCase("introspection", "deadline = 0ms", "'0ms' must be positive")]
    [TestCase("introspection", "deadline = 2", "'2' has no unit: write 2s, or use ms, m or h")]
    [TestCase("introspection", "deadline = 2h", "'2h' is out of range: from 1ms to 1h")]
    [TestCase("introspection", "max_tasks = 0", "'0' is not an integer from 1 to 4194304")]
    [TestCase("introspection", "max_tasks = 4194305", "'4194305' is not an integer from 1 to 4194304")]
    [TestCase("introspection", "max_fds_per_task = 65k", "'65k' is not an integer from 1 to 16777216")]
    [TestCase("introspection", "max_path_depth = 4097", "'4097' is not an integer from 1 to 4096")]
    [TestCase("adaptation", "period = 500ms", "'500ms' is out of range: from 1s to 1h")]
    [TestCase("adaptation", "min_period = 0s", "'0s' must be positive")]
    [TestCase("adaptation", "max_period = 2h", "'2h' is out of range: from 1s to 1h")]
    [TestCase("adaptation", "concurrency = 0", "'0' is not an integer from 1 to 64")]
    [TestCase("adaptation", "concurrency = 65", "'65' is not an integer from 1 to 64")]
    [TestCase("adaptation", "cycle_deadline = 0s", "'0s' must be positive")]
    [TestCase("adaptation", "backoff_initial = 1.5s", "'1.5s' is not a duration: write an integer with a unit, ms, s, m or h (500ms, 2s, 5m, 1h)")]
    [TestCase("adaptation", "backoff_max = forever", "'forever' is not a duration: write an integer with a unit, ms, s, m or h (500ms, 2s, 5m, 1h)")]
    [TestCase("adaptation", "whitelist_poll = 0s", "'0s' must be positive")]
    [TestCase("switch", "bridge = br/int", "'br/int' is not a bridge name: 1 to 15 letters, digits, '.', '_' or '-', not starting with '.'")]
    [TestCase("switch", "bridge = .hidden", "'.hidden' is not a bridge name: 1 to 15 letters, digits, '.', '_' or '-', not starting with '.'")]
    [TestCase("switch", "bridge = a-very-long-bridge", "'a-very-long-bridge' is not a bridge name: 1 to 15 letters, digits, '.', '_' or '-', not starting with '.'")]
    [TestCase("switch", "management_socket = br-int.mgmt", "'br-int.mgmt' is not an absolute path: it must start with /")]
    [TestCase("switch", "tcp = 127.0.0.1", "'127.0.0.1' is not an endpoint: write HOST:PORT, an IPv6 address in brackets ([fd00::1]:6653)")]
    [TestCase("switch", "tcp = fd00::1:6653", "'fd00::1:6653' is not an endpoint: write HOST:PORT, an IPv6 address in brackets ([fd00::1]:6653)")]
    [TestCase("switch", "tcp = [127.0.0.1]:6653", "'[127.0.0.1]:6653': only an IPv6 address goes in brackets")]
    [TestCase("switch", "tcp = 127.0.0.1:0", "'127.0.0.1:0': the port is a number from 1 to 65535")]
    [TestCase("switch", "tcp = 127.0.0.1:65536", "'127.0.0.1:65536': the port is a number from 1 to 65535")]
    [TestCase("switch", "tcp = ovs_1:6653", "'ovs_1' is neither an address nor a host name (letters, digits and '-' in dot-separated labels)")]
    [TestCase("switch", "ovsdb = unix:", "'unix:' names no socket path")]
    [TestCase("switch", "ovsdb = unix:db.sock", "'unix:db.sock': the socket's path must be absolute (unix:/...)")]
    [TestCase("switch", "ovsdb = tcp:localhost:6640", "'tcp:localhost:6640' is not tcp:ADDRESS:PORT (a numeric address, IPv6 in brackets)")]
    [TestCase("switch", "ovsdb = ssl:1.2.3.4:6640", "'ssl:1.2.3.4:6640' is neither unix:PATH nor tcp:ADDRESS:PORT")]
    [TestCase("switch", "request_timeout = 0s", "'0s' must be positive")]
    [TestCase("switch", "reconcile_interval = 1d", "'1d' is not a duration: write an integer with a unit, ms, s, m or h (500ms, 2s, 5m, 1h)")]
    [TestCase("control", "bus = session", "'session' is not a bus: use system, none, or a D-Bus address such as unix:path=/run/alsafe/bus")]
    [TestCase("control", "bus = unix:", "'unix:' is not a bus: use system, none, or a D-Bus address such as unix:path=/run/alsafe/bus")]
    [TestCase("control", "bus = unix:path=", "'unix:path=' is not a bus: use system, none, or a D-Bus address such as unix:path=/run/alsafe/bus")]
    [TestCase("control", "bus = tcp:host=localhost,port=1", "'tcp:host=localhost,port=1' is not a bus: use system, none, or a D-Bus address such as unix:path=/run/alsafe/bus")]
    public void BadValues_AreErrorsAtTheirLine(string section, string line, string message)
    {
        var error = Refused($"# comment\n[{section}]\n{line}\n").Errors.Single();

        var key = line[..line.IndexOf(' ', StringComparison.Ordinal)];
        Assert.That(error.ToString(), Is.EqualTo($"{_path}:3: [{section}] {key}: {message}"));
        Assert.That((error.File, error.Line, error.Section, error.Key), Is.EqualTo((_path, 3, section, key)));
    }

    [TestCase("host = edge_1", "host", "'edge_1' is neither an address nor a host name (letters, digits and '-' in dot-separated labels)")]
    [TestCase("host = fe80::1%eth0", "host", "'fe80::1%eth0' has a zone (%...): a zone names an interface of this host, not an address on the network")]
    [TestCase("port = 0", "port", "'0' is not an integer from 1 to 65535")]
    [TestCase("user = -oProxyCommand", "user", "'-oProxyCommand' is not a user name: 1 to 32 letters, digits, '.', '_' or '-', not starting with '-'")]
    [TestCase("user = a b", "user", "'a b' is not a user name: 1 to 32 letters, digits, '.', '_' or '-', not starting with '-'")]
    [TestCase("private_key = edge_key", "private_key", "'edge_key' is not an absolute path: it must start with /")]
    [TestCase("known_hosts = known_hosts", "known_hosts", "'known_hosts' is not an absolute path: it must start with /")]
    [TestCase("protected_prefixes = 192.0.2.1/24", "protected_prefixes", "'192.0.2.1/24' has host bits set; did you mean 192.0.2.0/24?")]
    [TestCase("protected_prefixes = 192.0.2.0/24,,fd00::/64", "protected_prefixes", "'192.0.2.0/24,,fd00::/64' has an empty item: separate items with one comma")]
    [TestCase("protected_prefixes = 192.0.2.0", "protected_prefixes", "'192.0.2.0' is not a prefix: write ADDRESS/LENGTH, such as 192.0.2.0/24 or fd00:a15a::/64")]
    [TestCase("protected_prefixes = 192.0.2.0/24, 192.0.2.0/24", "protected_prefixes", "'192.0.2.0/24' is listed twice")]
    [TestCase("protected_prefixes = *", "protected_prefixes", "'*' is not a prefix: write ADDRESS/LENGTH, such as 192.0.2.0/24 or fd00:a15a::/64")]
    [TestCase("connect_timeout = 0s", "connect_timeout", "'0s' must be positive")]
    [TestCase("command_timeout = 20", "command_timeout", "'20' has no unit: write 20s, or use ms, m or h")]
    [TestCase("reconcile_interval = 61m", "reconcile_interval", "'61m' is out of range: from 1ms to 1h")]
    public void BadEdgeValues_AreErrorsAtTheirLine(string line, string key, string message)
    {
        var lines = Edge.Split('\n').ToList();
        var at = lines.FindIndex(l => l.StartsWith(key + " ", StringComparison.Ordinal));
        if (at < 0)
        {
            lines.Add(line);
            at = lines.Count - 1;
        }
        else
        {
            lines[at] = line;
        }

        var error = Refused(string.Join('\n', lines)).Errors.Single();

        Assert.That(error.ToString(), Is.EqualTo($"{_path}:{at + 1}: [edge] {key}: {message}"));
    }

    [TestCase("host", "host: is required")]
    [TestCase("private_key", "private_key: is required")]
    [TestCase("protected_prefixes", "protected_prefixes: is required")]
    [TestCase("known_hosts", "known_hosts: give exactly one of known_hosts and host_key_fingerprint: the edge's host key is always checked")]
    public void RequiredEdgeKeys_AreErrorsAtTheHeader(string key, string message)
    {
        var text = string.Join('\n', Edge.Split('\n').Where(l => !l.StartsWith(key + " ", StringComparison.Ordinal)));

        Assert.That(Refused("\n" + text).Errors.Single().ToString(), Is.EqualTo($"{_path}:2: [edge] {message}"));
    }

    [Test]
    public void BothHostKeyChecks_AreAnError()
    {
        var error = Refused(Edge + "\nhost_key_fingerprint = SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s=").Errors.Single();

        Assert.That(error.ToString(), Is.EqualTo(
            $"{_path}:6: [edge] host_key_fingerprint: give exactly one of known_hosts and host_key_fingerprint: the edge's host key is always checked"));
    }

    [TestCase("SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2")]
    [TestCase("SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s==")]
    [TestCase("sha256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s")]
    [TestCase("uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s")]
    [TestCase("MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48")]
    [TestCase("SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2-")]
    public void BadFingerprints_AreRefused(string fingerprint)
    {
        var text = Edge.Replace("known_hosts = /etc/alsafe/edge_known_hosts", $"host_key_fingerprint = {fingerprint}", StringComparison.Ordinal);

        Assert.That(Refused(text).Errors.Single().ToString(), Is.EqualTo(
            $"{_path}:4: [edge] host_key_fingerprint: '{fingerprint}' is not a host key fingerprint: SHA256: and 43 base64 characters, " +
            "as `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` prints it on the edge"));
    }

    [TestCase("period = 1s\nmin_period = 2s", "period", 2, "1s is not from min_period to max_period (2s to 1h)")]
    [TestCase("period = 10m\nmax_period = 5m", "period", 2, "10m is not from min_period to max_period (1s to 5m)")]
    [TestCase("min_period = 2m\nmax_period = 1m", "min_period", 2, "2m is above max_period, 1m")]
    [TestCase("backoff_initial = 10s\nbackoff_max = 5s", "backoff_max", 3, "5s is below backoff_initial, 10s")]
    [TestCase("min_period = 10s", "period", 1, "5s is not from min_period to max_period (10s to 1h)")]
    public void KeysThatBoundEachOther_AreChecked(string lines, string key, int line, string message) =>
        Assert.That(Refused($"[adaptation]\n{lines}").Errors.Single().ToString(),
            Is.EqualTo($"{_path}:{line}: [adaptation] {key}: {message}"));

    [Test]
    public void TheManagementSocketAndTcp_AreExclusive() =>
        Assert.That(Refused("[switch]\nmanagement_socket = /run/br.mgmt\ntcp = 127.0.0.1:6653").Errors.Single().ToString(),
            Is.EqualTo($"{_path}:3: [switch] tcp: give at most one of management_socket and tcp: the switch is reached one way"));

    [Test]
    public void UnknownSectionsAndKeys_AreErrors()
    {
        var errors = Refused("[node]\nnmae = x\n[introspecton]\nmode = live\n[control]\nbus = none\ndbus = none").Errors;

        Assert.That(errors.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            $"{_path}:2: [node] nmae: is not a key of [node]: the keys are name, vms_dir, whitelist_dir, trusted_files_only",
            $"{_path}:3: [introspecton] is not a section of this file: the sections are [node], [introspection], [adaptation], [switch], [edge], [control], [migration], [log]",
            $"{_path}:7: [control] dbus: is not a key of [control]: the keys are bus",
        }));
    }

    [Test]
    public void DuplicatesAreErrors_NamingTheEarlierLine()
    {
        var errors = Refused("[node]\nname = a\nname = b\n[control]\n[node]\n").Errors;

        Assert.That(errors.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            $"{_path}:3: [node] name: is set twice: first at line 2",
            $"{_path}:5: [node] appears twice: first at line 1",
        }));
    }

    [Test]
    public void EveryErrorOfTheFile_IsReported_InLineOrder()
    {
        var refused = Refused("""
            [adaptation]
            concurrency = 100
            [node]
            vms_dir = relative
            bad line
            [switch]
            request_timeout = 0s
            [edge]
            port = 22
            """);

        Assert.That(refused.Errors.Select(e => (e.Line, e.Section, e.Key)), Is.EqualTo(new (int, string?, string?)[]
        {
            (2, "adaptation", "concurrency"),
            (4, "node", "vms_dir"),
            (5, "node", null),
            (7, "switch", "request_timeout"),
            (8, "edge", "host"),
            (8, "edge", "private_key"),
            (8, "edge", "known_hosts"),
            (8, "edge", "protected_prefixes"),
        }));
        Assert.That(refused.Message, Is.EqualTo(string.Join('\n', refused.Errors)));
    }

    [Test]
    public void CrlfAndBom_AreAccepted()
    {
        File.WriteAllText(_path, "\uFEFF[node]\r\nname = n1\r\n[control]\r\nbus = none\r\n");

        var options = DaemonOptionsReader.Load(_path, HostName);

        Assert.That((options.Node.Name, options.Control.Bus), Is.EqualTo(("n1", "none")));
    }

    [TestCase("compute-01.example.org")]
    [TestCase("")]
    public void AHostNameThatIsNoNodeName_NeedsAName(string hostName)
    {
        File.WriteAllText(_path, "[node]\nvms_dir = /x\n");

        var refused = Assert.Throws<ConfigurationException>(() => DaemonOptionsReader.Load(_path, hostName))!;
        Assert.That(refused.Errors.Single().ToString(), Does.StartWith(
            $"{_path}:1: [node] name: is not set, and the host name cannot stand in for it: '{hostName}' is not a node name"));
        File.WriteAllText(_path, "[node]\nname = n1\n");
        Assert.That(DaemonOptionsReader.Load(_path, hostName).Node.Name, Is.EqualTo("n1"));
    }

    [Test]
    public void WithoutANodeSection_AnInvalidHostNameIsAnErrorOfTheFile()
    {
        File.WriteAllText(_path, "");

        var refused = Assert.Throws<ConfigurationException>(() => DaemonOptionsReader.Load(_path, "a.b"))!;
        Assert.That(refused.Errors.Single().ToString(), Does.StartWith($"{_path}: [node] name: is not set"));
    }

    [Test]
    public void TheHostName_IsTheDefaultName() =>
        Assert.That(Load("[node]\n").Node.Name, Is.EqualTo(HostName));

    [Test]
    public void AMissingFile_IsRefusedWithOneError()
    {
        var missing = Path.Combine(_directory, "none.conf");

        var refused = Assert.Throws<ConfigurationException>(() => DaemonOptionsReader.Load(missing))!;
        Assert.That(refused.Errors.Single().ToString(), Does.StartWith($"{missing}: cannot be read: "));
    }

    [Test]
    public void PublicLoad_UsesTheMachineName()
    {
        File.WriteAllText(_path, "[node]\nname = n1\n");

        Assert.That(DaemonOptionsReader.Load(_path).Node.Name, Is.EqualTo("n1"));
    }

    [Test]
    public void AddressesOfTheEdge_KeepTheirFamilies()
    {
        var prefixes = Load(Edge.Replace("192.0.2.0/24, fd00:a15a::/64", "0.0.0.0/0,::/0", StringComparison.Ordinal)).Edge!.ProtectedPrefixes;

        Assert.That(prefixes.Select(p => (p.Network, p.Length)), Is.EqualTo(new[] { (IPAddress.Any, 0), (IPAddress.IPv6Any, 0) }));
    }

    private static TimeSpan Seconds(int seconds) => TimeSpan.FromSeconds(seconds);

    private DaemonOptions Load(string text)
    {
        File.WriteAllText(_path, text);
        return DaemonOptionsReader.Load(_path, HostName);
    }

    private ConfigurationException Refused(string text)
    {
        File.WriteAllText(_path, text);
        return Assert.Throws<ConfigurationException>(() => DaemonOptionsReader.Load(_path, HostName))!;
    }
}
