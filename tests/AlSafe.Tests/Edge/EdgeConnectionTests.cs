using AlSafe.Core.Rules.Edge;
using AlSafe.Interop.Edge;
using AlSafe.TestSupport.Edge;
using NUnit.Framework;

namespace AlSafe.Tests.Edge;

/// <summary>The SSH connection itself against the lab's sshd: host key checks, key authentication, and nft
/// transactions that apply whole or not at all.</summary>
[CancelAfter(60_000)]
public sealed class EdgeConnectionTests : EdgeLabTestBase
{
    [Test]
    public async Task A_refused_transaction_leaves_the_previous_rules_whole_and_reports_nfts_error()
    {
        using var connection = await EdgeConnection.ConnectAsync(Lab.Options(), CancellationToken.None);
        var node = EdgeLab.Node("n1");
        await connection.RepairAsync(node, EdgeSamples.Web.Elements, CancellationToken.None);
        var before = await Lab.ReadTableAsync();

        // A good element first, then one the set's type refuses: nothing of the file may stay.
        var transaction = EdgeScript.Update(node, EdgeSamples.Web.Elements, [.. EdgeSamples.Web.Elements, .. EdgeSamples.Services("db", EdgeLab.Vm2, 22).Elements])
                          + "add element inet alsafe svc4_n1 { 192.0.2.11 . tcp . 99999 . 0.0.0.0/0 . 0-65535 }\n";
        var refused = Assert.ThrowsAsync<EdgeException>(() => connection.ApplyAsync(transaction, CancellationToken.None))!;

        Assert.That(refused.Fault, Is.EqualTo(EdgeFault.Refused));
        Assert.That(refused.Message, Does.StartWith("nft refused the transaction (exit 1): ").And.Contain("out of range"));
        Assert.That(refused.Detail, Does.Contain("Error:").And.Contain("99999"));
        var after = await Lab.ReadTableAsync();
        Assert.That(after.Sets["svc4_n1"].Elements, Is.EquivalentTo(before.Sets["svc4_n1"].Elements));
        Assert.That(connection.IsConnected, Is.True, "a refused transaction does not end the connection");
    }

    [Test]
    public async Task Init_is_idempotent_and_leaves_the_nodes_elements_alone()
    {
        using var connection = await EdgeConnection.ConnectAsync(Lab.Options(), CancellationToken.None);
        var node = EdgeLab.Node("n1");
        var first = await connection.RepairAsync(node, null, CancellationToken.None);
        await connection.ApplyAsync(EdgeScript.Update(node, [], EdgeSamples.Web.Elements), CancellationToken.None);

        var second = await connection.RepairAsync(node, null, CancellationToken.None);

        Assert.That(first.Findings, Is.EqualTo(new[] { "table inet alsafe is missing" }));
        Assert.That(second.Findings, Is.Empty);
        var state = await Lab.ReadTableAsync();
        Assert.That(EdgeRepair.Compute(state, node, EdgeSamples.Web.Elements).Findings, Is.Empty);
    }

    [Test]
    public async Task A_pinned_fingerprint_is_accepted_only_when_it_is_the_hosts()
    {
        var pinned = Lab.Options() with { KnownHostsPath = null, HostKeyFingerprint = Lab.HostKeyFingerprint };
        using (var connection = await EdgeConnection.ConnectAsync(pinned, CancellationToken.None))
        {
            Assert.That(connection.HostKey, Does.EndWith(Lab.HostKeyFingerprint));
        }

        var wrong = pinned with { HostKeyFingerprint = "SHA256:" + new string('A', 43) };
        var refused = Assert.ThrowsAsync<EdgeException>(() => EdgeConnection.ConnectAsync(wrong, CancellationToken.None))!;
        Assert.That(refused.Fault, Is.EqualTo(EdgeFault.HostKeyRejected));
        Assert.That(refused.Message, Does.Contain(Lab.HostKeyFingerprint).And.Contain("not the pinned SHA256:AAAA"));
    }

    [Test]
    public async Task A_host_missing_from_known_hosts_is_refused()
    {
        var empty = Path.Combine(Lab.Directory, "empty_known_hosts");
        await File.WriteAllTextAsync(empty, "# nothing known\n");

        var refused = Assert.ThrowsAsync<EdgeException>(() =>
            EdgeConnection.ConnectAsync(Lab.Options() with { KnownHostsPath = empty }, CancellationToken.None))!;

        Assert.That(refused.Fault, Is.EqualTo(EdgeFault.HostKeyRejected));
        Assert.That(refused.Message, Does.Contain("lists no key for it"));
    }

    [Test]
    public void A_key_the_edge_does_not_know_is_refused_as_authentication()
    {
        var stranger = Lab.Options() with { PrivateKeyPath = Path.Combine(Lab.Directory, "other_host_key") };

        var refused = Assert.ThrowsAsync<EdgeException>(() => EdgeConnection.ConnectAsync(stranger, CancellationToken.None))!;

        Assert.That(refused.Fault, Is.EqualTo(EdgeFault.Authentication));
        Assert.That(refused.Message, Does.Contain("refused the key").And.Contain("other_host_key"));
    }

    [Test]
    public void A_closed_port_is_unreachable()
    {
        var closed = Lab.Options() with { Port = 2222 };

        var refused = Assert.ThrowsAsync<EdgeException>(() => EdgeConnection.ConnectAsync(closed, CancellationToken.None))!;

        Assert.That(refused.Fault, Is.EqualTo(EdgeFault.Unreachable));
        Assert.That(refused.Message, Does.Contain($"cannot connect to root@{Lab.EdgeAddress}:2222"));
    }
}
