using System.Net;
using System.Text.Json.Nodes;
using AlSafe.Daemon.Logging;
using AlSafe.Interop.Journal;
using NUnit.Framework;
using Serilog;
using Serilog.Core;

namespace AlSafe.Tests.Logging;

/// <summary>
/// The sink against a real systemd-journald (see <see cref="TestJournald"/>), read back with journalctl: what an
/// operator's <c>journalctl ALSAFE_VM=web1</c> shows. One journald per fixture; each test logs for its own VM name
/// and reads back only that VM's entries.
/// </summary>
[Category("Lab")]
[NonParallelizable]
public sealed class JournaldTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private TestJournald _journald = null!;
    private StringWriter _stderr = null!;
    private Logger _logger = null!;

    [OneTimeSetUp]
    public async Task StartJournaldAsync()
    {
        if (TestJournald.Unsupported() is { } reason)
        {
            Assert.Ignore(reason);
        }

        using var timeout = new CancellationTokenSource(Bound);
        _journald = await TestJournald.StartAsync(timeout.Token);
    }

    [OneTimeTearDown]
    public async Task StopJournaldAsync()
    {
        if (_journald is not null)
        {
            await _journald.DisposeAsync();
        }
    }

    [SetUp]
    public void CreateLogger()
    {
        _stderr = new StringWriter();
        _logger = new LoggerConfiguration().MinimumLevel.Verbose()
            .WriteTo.JournalOrStderr(socketPath: _journald.SocketPath, stderr: _stderr)
            .CreateLogger();
    }

    [TearDown]
    public void DisposeLogger()
    {
        _logger.Dispose();
        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            TestContext.Out.WriteLine($"stderr:\n{_stderr}\njournald:\n{_journald.Log()}");
        }
    }

    [Test]
    public async Task AStructuredEventIsFoundByItsVmWithEveryField()
    {
        _logger.ForContext(LogFields.Tenant, "acme").ForContext(LogFields.WhitelistLine, "acme.tsv:3")
            .Warning("Blocked {Process} ({Executable}, pid {Pid}) {Proto} {LocalPort} -> {RemoteAddress}:{RemotePort} on {Vm}: {Verdict}",
                "nc", "/usr/bin/nc", 4242, "tcp", 8080, IPAddress.Parse("2001:db8::7"), 51000, "web1", "BLOCK");
        _logger.Information("Allowed on {Vm}", "web2");

        var entries = await ReadAsync("ALSAFE_VM=web1");

        Assert.That(entries, Has.Count.EqualTo(1));
        var entry = entries[0];
        Assert.That(Field(entry, "MESSAGE"), Is.EqualTo("Blocked nc (/usr/bin/nc, pid 4242) tcp 8080 -> 2001:db8::7:51000 on web1: BLOCK"));
        Assert.That(Field(entry, "PRIORITY"), Is.EqualTo("4"));
        Assert.That(Field(entry, "SYSLOG_IDENTIFIER"), Is.EqualTo("alsafe"));
        Assert.That(Field(entry, "ALSAFE_VM"), Is.EqualTo("web1"));
        Assert.That(Field(entry, "ALSAFE_TENANT"), Is.EqualTo("acme"));
        Assert.That(Field(entry, "ALSAFE_PID"), Is.EqualTo("4242"));
        Assert.That(Field(entry, "ALSAFE_PROCESS"), Is.EqualTo("nc"));
        Assert.That(Field(entry, "ALSAFE_EXECUTABLE"), Is.EqualTo("/usr/bin/nc"));
        Assert.That(Field(entry, "ALSAFE_PROTO"), Is.EqualTo("tcp"));
        Assert.That(Field(entry, "ALSAFE_LOCAL_PORT"), Is.EqualTo("8080"));
        Assert.That(Field(entry, "ALSAFE_REMOTE_ADDRESS"), Is.EqualTo("2001:db8::7"));
        Assert.That(Field(entry, "ALSAFE_REMOTE_PORT"), Is.EqualTo("51000"));
        Assert.That(Field(entry, "ALSAFE_VERDICT"), Is.EqualTo("BLOCK"));
        Assert.That(Field(entry, "ALSAFE_WHITELIST_LINE"), Is.EqualTo("acme.tsv:3"));
        Assert.That(Field(entry, "_TRANSPORT"), Is.EqualTo("journal"));
        Assert.That(Field(entry, "_PID"), Is.EqualTo(Environment.ProcessId.ToString()), "journald vouches for the sender");
        Assert.That(await ReadAsync("ALSAFE_VM=web2", "SYSLOG_IDENTIFIER=alsafe"), Has.Count.EqualTo(1));
        Assert.That(_stderr.ToString(), Is.Empty);
    }

    [Test]
    public async Task PrioritiesFollowTheLevels()
    {
        _logger.Verbose("v {Vm}", "levels");
        _logger.Debug("d {Vm}", "levels");
        _logger.Information("i {Vm}", "levels");
        _logger.Warning("w {Vm}", "levels");
        _logger.Error("e {Vm}", "levels");
        _logger.Fatal("f {Vm}", "levels");

        var entries = await ReadAsync("ALSAFE_VM=levels");

        Assert.That(entries.Select(entry => Field(entry, "PRIORITY")), Is.EqualTo(new[] { "7", "7", "6", "4", "3", "2" }));
        Assert.That(await ReadAsync("ALSAFE_VM=levels", "PRIORITY=3"), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task MultiLineMessagesAndExceptionsArriveWhole()
    {
        Exception failure;
        try
        {
            throw new InvalidOperationException("bundle refused");
        }
        catch (InvalidOperationException e)
        {
            failure = e;
        }

        _logger.ForContext("Detail", "first\nsecond").Error(failure, "Sync of {Vm} failed\nafter 3 attempts", "multiline");

        var entry = (await ReadAsync("ALSAFE_VM=multiline")).Single();

        var message = Field(entry, "MESSAGE");
        Assert.That(message, Does.StartWith("Sync of multiline failed\nafter 3 attempts\nSystem.InvalidOperationException: bundle refused\n"));
        Assert.That(message, Does.Contain(nameof(MultiLineMessagesAndExceptionsArriveWhole)));
        Assert.That(Field(entry, "ALSAFE_DETAIL"), Is.EqualTo("first\nsecond"));
    }

    [Test]
    public async Task ALargeMessageTravelsThroughAMemfdAndArrivesWhole()
    {
        var large = string.Concat(Enumerable.Range(0, 40_000).Select(i => $"line {i:D6} of a large message\n"));
        using (var socket = new JournalSocket(_journald.SocketPath))
        using (var entry = new JournalEntryWriter())
        {
            entry.Add("MESSAGE", large);
            entry.Add("SYSLOG_IDENTIFIER", "alsafe");
            entry.Add("ALSAFE_VM", "large-direct");
            Assert.That(entry.WrittenSpan.Length, Is.GreaterThan(1_000_000));
            Assert.That(socket.Send(entry.WrittenSpan), Is.EqualTo(JournalTransport.Memfd));
        }

        _logger.Information("{Vm} says " + large.Replace("{", "{{").Replace("}", "}}"), "large-sink");

        Assert.That(Field((await ReadAsync("ALSAFE_VM=large-direct")).Single(), "MESSAGE"), Is.EqualTo(large));
        Assert.That(Field((await ReadAsync("ALSAFE_VM=large-sink")).Single(), "MESSAGE"), Is.EqualTo("large-sink says " + large));
        Assert.That(_stderr.ToString(), Is.Empty);
    }

    [Test]
    public async Task FieldsJournaldWouldRefuseAreNotSentAndItsOwnFieldsCannotBeForged()
    {
        using (var socket = new JournalSocket(_journald.SocketPath))
        using (var entry = new JournalEntryWriter())
        {
            entry.Add("MESSAGE", "names");
            entry.Add("ALSAFE_VM", "names");
            Assert.That(entry.Add("_PID", "1"), Is.False);
            Assert.That(entry.Add("lower_case", "x"), Is.False);
            Assert.That(entry.Add("9LIVES", "x"), Is.False);
            Assert.That(entry.Add("ALSAFE_AFTER_THE_DROPPED", "kept"), Is.True);
            socket.Send(entry.WrittenSpan);
        }

        var fields = (await ReadAsync("ALSAFE_VM=names")).Single();

        Assert.That(Field(fields, "ALSAFE_AFTER_THE_DROPPED"), Is.EqualTo("kept"));
        Assert.That(Field(fields, "_PID"), Is.EqualTo(Environment.ProcessId.ToString()));
        Assert.That(fields.Select(field => field.Key), Has.None.EqualTo("lower_case").And.None.EqualTo("9LIVES"));
    }

    private async Task<List<JsonObject>> ReadAsync(params string[] matches)
    {
        using var timeout = new CancellationTokenSource(Bound);
        return await _journald.ReadAsync(timeout.Token, matches);
    }

    /// <summary>A text field; journalctl prints non-UTF-8 or repeated fields as arrays, which none of these should be.</summary>
    private static string Field(JsonObject entry, string name) =>
        entry[name] is JsonValue value ? value.GetValue<string>() : throw new AssertionException($"{name} is {entry[name]?.ToJsonString() ?? "missing"}");
}
