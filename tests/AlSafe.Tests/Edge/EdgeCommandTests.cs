using AlSafe.Daemon.Cli;
using AlSafe.TestSupport.Edge;
using NUnit.Framework;

namespace AlSafe.Tests.Edge;

/// <summary><c>alsafe edge init</c> and <c>alsafe edge show</c> against the lab's edge.</summary>
[CancelAfter(60_000)]
public sealed class EdgeCommandTests : EdgeLabTestBase
{
    [Test]
    public async Task Init_installs_the_table_once_and_then_finds_nothing_to_repair()
    {
        var (exit, output, error) = await RunAsync("init", "--node", "n1", "--protect", "192.0.2.0/24,fd00:a15a::/64");
        var (again, secondOutput, _) = await RunAsync("init", "--node", "n1", "--protect", "192.0.2.0/24,fd00:a15a::/64");

        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain("repaired: table inet alsafe is missing").And.Contain("ready for node n1"));
        Assert.That(again, Is.Zero);
        Assert.That(secondOutput, Does.Contain("nothing to repair"));
    }

    [Test]
    public async Task Show_lists_the_nodes_and_one_nodes_elements()
    {
        var (firewall, _) = NewFirewall("n1");
        await StartAsync(firewall);
        await firewall.ApplyAsync(EdgeSamples.Web);
        await RunAsync("init", "--node", "n2", "--protect", "192.0.2.0/24");

        var (exit, output, error) = await RunAsync("show", "--node", "n1");

        Assert.That(exit, Is.Zero, error);
        Assert.That(output, Does.Contain("nodes: n1, n2"));
        Assert.That(output, Does.Contain("# node n1: 4 elements (svc4_n1 2, svc6_n1 1, out4_n1 1, out6_n1 0); protects 192.0.2.0/24, fd00:a15a::/64"));
        Assert.That(output, Does.Contain("add element inet alsafe svc4_n1 { 192.0.2.10 . tcp . 80 . 0.0.0.0/0 . 0-65535 }"));
        Assert.That(output, Does.Contain("add element inet alsafe out4_n1 { 192.0.2.10 . tcp . 40000 . 203.0.113.1 . 8443 }"));
    }

    [Test]
    public async Task A_wrong_host_key_is_exit_code_1_with_the_reason()
    {
        var (exit, _, error) = await RunAsync(["init", "--node", "n1", "--protect", "192.0.2.0/24"], "SHA256:" + new string('B', 43));

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(error, Does.StartWith($"alsafe: edge {Lab.EdgeAddress}: host key of").And.Contain("refused"));
        Assert.That((await Lab.ReadTableAsync()).Exists, Is.False);
    }

    private Task<(int Exit, string Output, string Error)> RunAsync(params string[] args) => RunAsync(args, null);

    private async Task<(int Exit, string Output, string Error)> RunAsync(string[] args, string? fingerprint)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        string[] connection = fingerprint is null
            ? ["--host", Lab.EdgeAddress.ToString(), "--key", Lab.ClientKeyPath, "--known-hosts", Lab.KnownHostsPath]
            : ["--host", Lab.EdgeAddress.ToString(), "--key", Lab.ClientKeyPath, "--fingerprint", fingerprint];
        var exit = await EdgeCommand.RunAsync([.. args, .. connection], output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
