using AlSafe.Daemon.Cli;
using NUnit.Framework;

namespace AlSafe.Tests.Edge;

/// <summary>Command lines <c>alsafe edge</c> refuses before connecting to anything.</summary>
public sealed class EdgeCommandUsageTests
{
    [TestCase(new[] { "init", "--host", "h", "--key", "k", "--node", "n1", "--protect", "192.0.2.0/24" }, "exactly one of --known-hosts")]
    [TestCase(new[] { "init", "--host", "h", "--key", "k", "--known-hosts", "f", "--fingerprint", "x", "--node", "n1", "--protect", "192.0.2.0/24" }, "exactly one of")]
    [TestCase(new[] { "init", "--host", "h", "--key", "k", "--known-hosts", "f", "--node", "n 1", "--protect", "192.0.2.0/24" }, "--node 'n 1'")]
    [TestCase(new[] { "init", "--host", "h", "--key", "k", "--known-hosts", "f", "--node", "n1", "--protect", "192.0.2.1/24" }, "host bits")]
    [TestCase(new[] { "init", "--host", "h", "--key", "k", "--known-hosts", "f", "--node", "n1", "--protect", "192.0.2.0" }, "is not a prefix")]
    [TestCase(new[] { "init", "--host", "h", "--key", "k", "--known-hosts", "f", "--node", "n1" }, "--protect is required")]
    [TestCase(new[] { "show", "--host", "h", "--key", "k", "--known-hosts", "f", "--protect", "192.0.2.0/24" }, "--protect belongs to edge init")]
    [TestCase(new[] { "show", "--host", "", "--key", "k", "--known-hosts", "f" }, "Host")]
    [TestCase(new[] { "show", "--host", "h", "--port", "0", "--key", "k", "--known-hosts", "f" }, "--port takes a whole number from 1 to 65535")]
    [TestCase(new[] { "flush" }, "unknown edge command 'flush'")]
    [TestCase(new string[0], "edge needs init or show")]
    public void A_wrong_command_line_is_a_usage_error(string[] args, string message)
    {
        var thrown = Assert.ThrowsAsync<UsageException>(() => EdgeCommand.RunAsync(args, TextWriter.Null, TextWriter.Null))!;
        Assert.That(thrown.Message, Does.Contain(message));
    }
}
