using System.Net;
using AlSafe.Daemon.Logging;
using AlSafe.Interop.Journal;
using NUnit.Framework;
using Serilog.Events;

namespace AlSafe.Tests.Logging;

/// <summary>What the journal sink puts in an entry: standard fields, priorities, and one field per property.</summary>
public sealed class JournalSinkTests
{
    private static readonly string NoSocket = Path.Combine(Path.GetTempPath(), "alsafe-no-journal-" + Guid.NewGuid().ToString("N"));

    [TestCase(LogEventLevel.Verbose, 7)]
    [TestCase(LogEventLevel.Debug, 7)]
    [TestCase(LogEventLevel.Information, 6)]
    [TestCase(LogEventLevel.Warning, 4)]
    [TestCase(LogEventLevel.Error, 3)]
    [TestCase(LogEventLevel.Fatal, 2)]
    public void LevelsMapToSyslogPriorities(LogEventLevel level, int priority)
    {
        Assert.That(SyslogPriority.FromLevel(level), Is.EqualTo(priority));
        var fields = Encode(CollectingSink.Capture(log => log.Write(level, "x")));
        Assert.That(fields.Single("PRIORITY"), Is.EqualTo(priority.ToString()));
    }

    [Test]
    public void TheDomainFieldsMapToAlsafeFields()
    {
        var expected = new Dictionary<string, string>
        {
            [LogFields.Vm] = "ALSAFE_VM",
            [LogFields.Tenant] = "ALSAFE_TENANT",
            [LogFields.Pid] = "ALSAFE_PID",
            [LogFields.Process] = "ALSAFE_PROCESS",
            [LogFields.Executable] = "ALSAFE_EXECUTABLE",
            [LogFields.Proto] = "ALSAFE_PROTO",
            [LogFields.LocalAddress] = "ALSAFE_LOCAL_ADDRESS",
            [LogFields.LocalPort] = "ALSAFE_LOCAL_PORT",
            [LogFields.RemoteAddress] = "ALSAFE_REMOTE_ADDRESS",
            [LogFields.RemotePort] = "ALSAFE_REMOTE_PORT",
            [LogFields.Verdict] = "ALSAFE_VERDICT",
            [LogFields.WhitelistLine] = "ALSAFE_WHITELIST_LINE",
        };

        Assert.That(expected.Keys.Select(JournalSink.FieldName), Is.EqualTo(expected.Values));
    }

    [Test]
    public void AnEventCarriesMessagePriorityIdentifierAndEveryProperty()
    {
        var logEvent = CollectingSink.Capture(log => log
            .ForContext(LogFields.Tenant, "acme")
            .ForContext(LogFields.WhitelistLine, "acme.tsv:3")
            .Warning("Blocked {Process} ({Executable}, pid {Pid}) {Proto} {LocalPort} -> {RemoteAddress}:{RemotePort} on {Vm}: {Verdict}",
                "nc", "/usr/bin/nc", 4242, "tcp", 8080, IPAddress.Parse("192.0.2.7"), 51000, "web1", DayOfWeek.Monday));

        var fields = Encode(logEvent);

        Assert.That(fields.Single("MESSAGE"),
            Is.EqualTo("Blocked nc (/usr/bin/nc, pid 4242) tcp 8080 -> 192.0.2.7:51000 on web1: Monday"));
        Assert.That(fields.Single("PRIORITY"), Is.EqualTo("4"));
        Assert.That(fields.Single("SYSLOG_IDENTIFIER"), Is.EqualTo("alsafe"));
        Assert.That(fields.Single("ALSAFE_VM"), Is.EqualTo("web1"));
        Assert.That(fields.Single("ALSAFE_TENANT"), Is.EqualTo("acme"));
        Assert.That(fields.Single("ALSAFE_PID"), Is.EqualTo("4242"));
        Assert.That(fields.Single("ALSAFE_PROCESS"), Is.EqualTo("nc"));
        Assert.That(fields.Single("ALSAFE_EXECUTABLE"), Is.EqualTo("/usr/bin/nc"));
        Assert.That(fields.Single("ALSAFE_PROTO"), Is.EqualTo("tcp"));
        Assert.That(fields.Single("ALSAFE_LOCAL_PORT"), Is.EqualTo("8080"));
        Assert.That(fields.Single("ALSAFE_REMOTE_ADDRESS"), Is.EqualTo("192.0.2.7"));
        Assert.That(fields.Single("ALSAFE_REMOTE_PORT"), Is.EqualTo("51000"));
        Assert.That(fields.Single("ALSAFE_VERDICT"), Is.EqualTo("Monday"));
        Assert.That(fields.Single("ALSAFE_WHITELIST_LINE"), Is.EqualTo("acme.tsv:3"));
        Assert.That(fields, Has.Count.EqualTo(14));
    }

    [Test]
    public void ScalarKindsAreWrittenPlainly()
    {
        var moment = new DateTimeOffset(2026, 11, 27, 12, 30, 0, TimeSpan.FromHours(1));
        var logEvent = CollectingSink.Capture(log => log.Information(
            "{Flag} {Ratio} {When} {Missing} {Letter} {List} {Id}", true, 0.25, moment, null, 'q', new[] { 1, 2 }, new Uri("http://x/")));

        var fields = Encode(logEvent);

        Assert.That(fields.Single("ALSAFE_FLAG"), Is.EqualTo("true"));
        Assert.That(fields.Single("ALSAFE_RATIO"), Is.EqualTo("0.25"));
        Assert.That(fields.Single("ALSAFE_WHEN"), Is.EqualTo("2026-11-27T12:30:00.0000000+01:00"));
        Assert.That(fields.Select(field => field.Key), Has.No.Member("ALSAFE_MISSING"), "a null property writes no field");
        Assert.That(fields.Single("ALSAFE_LETTER"), Is.EqualTo("q"));
        Assert.That(fields.Single("ALSAFE_LIST"), Is.EqualTo("[1, 2]"));
        Assert.That(fields.Single("ALSAFE_ID"), Is.EqualTo("http://x/"));
    }

    [Test]
    public void PropertyNamesAreSanitisedOrDropped()
    {
        var logEvent = CollectingSink.Capture(log => log.ForContext("remote-port", 53).ForContext("___", "gone").Information("x"));

        var fields = Encode(logEvent);

        Assert.That(fields.Single("ALSAFE_REMOTE_PORT"), Is.EqualTo("53"));
        Assert.That(fields.Select(field => field.Value), Has.No.Member("gone"));
    }

    [Test]
    public void TheExceptionFollowsTheMessageInOneMultiLineField()
    {
        var failure = Throw();
        var logEvent = CollectingSink.Capture(log => log.Error(failure, "Sync of {Vm} failed", "web1"));

        var message = Encode(logEvent).Single("MESSAGE");

        Assert.That(message, Does.StartWith("Sync of web1 failed\nSystem.InvalidOperationException: boom"));
        Assert.That(message, Does.Contain(nameof(Throw)));
    }

    [Test]
    public void AnEntryTravelsAsOneDatagram()
    {
        using var receiver = new DatagramReceiver();
        using var sink = new JournalSink(new JournalSocket(receiver.Path), new StderrSyslogSink(TextWriter.Null), "alsafe-test");

        sink.Emit(CollectingSink.Capture(log => log.Information("Allowed {Vm}", "web1")));

        var fields = JournalDatagram.Parse(receiver.Receive());
        Assert.That(fields.Single("MESSAGE"), Is.EqualTo("Allowed web1"));
        Assert.That(fields.Single("SYSLOG_IDENTIFIER"), Is.EqualTo("alsafe-test"));
    }

    private static List<KeyValuePair<string, string>> Encode(LogEvent logEvent)
    {
        using var sink = new JournalSink(new JournalSocket(NoSocket), new StderrSyslogSink(TextWriter.Null));
        using var entry = new JournalEntryWriter();
        sink.Encode(logEvent, entry);
        return JournalDatagram.Parse(entry.WrittenSpan);
    }

    private static InvalidOperationException Throw()
    {
        try
        {
            throw new InvalidOperationException("boom");
        }
        catch (InvalidOperationException e)
        {
            return e;
        }
    }
}
