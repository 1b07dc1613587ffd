using AlSafe.Daemon.Logging;
using NUnit.Framework;
using Serilog;

namespace AlSafe.Tests.Logging;

/// <summary>WriteTo.JournalOrStderr without a journal, and with one that goes away and comes back.</summary>
public sealed class JournalFallbackTests
{
    [Test]
    public void WithoutAJournalSocketEventsGoToStderr()
    {
        var stderr = new StringWriter();
        var missing = Path.Combine(Path.GetTempPath(), "alsafe-no-journal-" + Guid.NewGuid().ToString("N"), "socket");

        using (var logger = new LoggerConfiguration().WriteTo.JournalOrStderr(socketPath: missing, stderr: stderr).CreateLogger())
        {
            logger.Information("Started on {Vm}", "web1");
            logger.Error("Lost {Vm}", "web2");
        }

        Assert.That(stderr.ToString(), Is.EqualTo("<6>Started on web1\n<3>Lost web2\n"));
    }

    [Test]
    public void WhenJournaldStopsTakingEntriesEventsGoToStderrAfterOneNoticeAndTheJournalHearsOfThemLater()
    {
        using var receiver = new DatagramReceiver();
        var stderr = new StringWriter();
        using var logger = new LoggerConfiguration().WriteTo.JournalOrStderr(socketPath: receiver.Path, stderr: stderr).CreateLogger();

        logger.Information("first");
        Assert.That(JournalDatagram.Parse(receiver.Receive()).Single("MESSAGE"), Is.EqualTo("first"));

        receiver.CloseLeavingStaleFile();
        logger.Warning("second");
        logger.Warning("third");

        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[0], Does.StartWith("<4>journald does not take entries (").And.Contain(receiver.Path));
        Assert.That(lines[1..], Is.EqualTo(new[] { "<4>second", "<4>third" }));

        File.Delete(receiver.Path);
        using var restarted = DatagramReceiver.Bind(receiver.Path);
        logger.Information("fourth");

        var buffer = new byte[4096];
        var fourth = JournalDatagram.Parse(buffer.AsSpan(0, restarted.Receive(buffer)));
        var recovery = JournalDatagram.Parse(buffer.AsSpan(0, restarted.Receive(buffer)));
        Assert.That(fourth.Single("MESSAGE"), Is.EqualTo("fourth"));
        Assert.That(recovery.Single("MESSAGE"), Is.EqualTo("journald takes entries again; 2 events went to stderr while it did not"));
        Assert.That(recovery.Single("PRIORITY"), Is.EqualTo("5"));
        Assert.That(stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(3));
    }
}
