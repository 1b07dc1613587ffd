using System.Text.Json;
using AlSafe.Daemon.Cli;
using NUnit.Framework;

namespace AlSafe.Tests.Cli;

[TestFixture]
public sealed class PlanCommandTests
{
    private const string Connections = """
        { "processes": [
          { "pid": 7, "tgid": 7, "ppid": 1, "comm": "nginx", "exe": "/usr/sbin/nginx", "uid": 0, "sockets": [
            { "fd": 3, "inode": 11, "family": "inet", "proto": "tcp", "localAddress": "0.0.0.0", "localPort": 80,
              "remoteAddress": "0.0.0.0", "remotePort": 0, "state": "LISTEN" },
            { "fd": 4, "inode": 12, "family": "inet", "proto": "tcp", "localAddress": "0.0.0.0", "localPort": 8080,
              "remoteAddress": "0.0.0.0", "remotePort": 0, "state": "LISTEN" },
            { "fd": 5, "inode": 13, "family": "inet", "proto": "tcp", "localAddress": "192.0.2.10", "localPort": 99999,
              "remoteAddress": "0.0.0.0", "remotePort": 0, "state": "LISTEN" } ] } ] }
        """;

    private string _dir = null!;

    [SetUp]
    public void CreateFiles()
    {
        _dir = Directory.CreateTempSubdirectory("alsafe-plan-").FullName;
        File.WriteAllText(Path.Combine(_dir, "acme.tsv"), "web1\t/usr/sbin/nginx\t0\ttcp\tin\t80\t198.51.100.0/24\t*\n");
        File.WriteAllText(Path.Combine(_dir, "conn.json"), Connections);
    }

    [TearDown]
    public void RemoveFiles() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void Json_gives_each_verdict_with_its_reason_and_the_rules_it_makes()
    {
        var (code, stdout, stderr) = Run("--format", "json");

        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stderr, Does.Contain("$.processes[0].sockets[2] (pid 7, nginx): localPort 99999 is not a 16-bit port"));
        using var json = JsonDocument.Parse(stdout);
        var verdicts = json.RootElement.GetProperty("verdicts").EnumerateArray().ToList();
        Assert.That(verdicts, Has.Count.EqualTo(2));
        Assert.That(verdicts[0].GetProperty("verdict").GetString(), Is.EqualTo("ALLOW"));
        Assert.That(verdicts[0].GetProperty("reason").GetString(), Is.EqualTo(Path.Combine(_dir, "acme.tsv") + ":1"));
        Assert.That(verdicts[0].GetProperty("exe").GetString(), Is.EqualTo("/usr/sbin/nginx"));
        Assert.That(verdicts[0].GetProperty("local").GetProperty("port").GetInt32(), Is.EqualTo(80));
        Assert.That(verdicts[1].GetProperty("verdict").GetString(), Is.EqualTo("BLOCK"));
        var flows = json.RootElement.GetProperty("flows").EnumerateArray().Select(f => f.GetString()).ToList();
        Assert.That(flows, Has.Some.Contains("nw_src=198.51.100.0/24,nw_dst=192.0.2.10,tp_dst=80,actions=ct(commit,zone=3)"));
        Assert.That(flows, Has.None.Contains("tp_dst=8080"));
        Assert.That(json.RootElement.GetProperty("edge").EnumerateArray().Select(e => e.GetString()),
            Is.EqualTo(new[] { "svc4 { 192.0.2.10 . tcp . 80 . 198.51.100.0/24 . 0-65535 }" }));
    }

    [Test]
    public void The_table_names_the_sections()
    {
        var (code, stdout, _) = Run();

        Assert.That(code, Is.EqualTo(0));
        Assert.That(stdout, Does.Contain("1 allowed, 1 blocked, 0 discarded"));
        Assert.That(stdout, Does.Contain("# switch: ").And.Contain("# edge: 1 elements"));
        Assert.That(stdout, Does.Contain("add element inet alsafe svc4 { 192.0.2.10 . tcp . 80 . 198.51.100.0/24 . 0-65535 }"));
    }

    [Test]
    public void A_whitelist_with_an_error_makes_no_plan()
    {
        File.AppendAllText(Path.Combine(_dir, "acme.tsv"), "web1\tnginx\t0\tTCP\tin\t80\t*\t*\n");

        var (code, stdout, stderr) = Run();

        Assert.That(code, Is.EqualTo(1));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Does.Contain("acme.tsv:2:").And.Contain("proto").And.Contain("no plan is made"));
    }

    [Test]
    public void Another_tenants_whitelist_is_never_used()
    {
        var (code, stdout, stderr) = Run("--tenant", "other");

        Assert.That(code, Is.EqualTo(1));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Does.Contain("holds no whitelist of tenant other"));
    }

    [TestCase("--mac", "01:00:5e:00:00:01")]
    [TestCase("--mac", "52:54:00:00:00")]
    [TestCase("--ip", "192.0.2.300")]
    [TestCase("--zone", "0")]
    [TestCase("--format", "xml")]
    public void A_wrong_option_value_is_a_usage_error(string option, string value)
    {
        Assert.Throws<UsageException>(() => Run(option, value));
    }

    private (int Code, string Stdout, string Stderr) Run(params string[] overrides)
    {
        var options = new Dictionary<string, string>
        {
            ["--whitelist"] = _dir,
            ["--tenant"] = "acme",
            ["--vm"] = "web1",
            ["--mac"] = "52:54:00:00:00:01",
            ["--ip"] = "192.0.2.10",
            ["--connections"] = Path.Combine(_dir, "conn.json"),
            ["--zone"] = "3",
        };
        for (var i = 0; i < overrides.Length; i += 2)
        {
            options[overrides[i]] = overrides[i + 1];
        }

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = PlanCommand.Run(options.SelectMany(o => new[] { o.Key, o.Value }).ToList(), stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
