using AlSafe.Interop.Journal;
using NUnit.Framework;

namespace AlSafe.Tests.Logging;

/// <summary>The socket's transports and failures, against a stand-in for journald's socket.</summary>
public sealed class JournalSocketTests
{
    [Test]
    public void AnEntryLargerThanTheSendBufferGoesThroughAMemfd()
    {
        using var receiver = new DatagramReceiver();
        using var socket = new JournalSocket(receiver.Path);
        using var entry = new JournalEntryWriter();
        entry.Add("MESSAGE", new string('m', 1 << 20));

        Assert.That(socket.Send(entry.WrittenSpan), Is.EqualTo(JournalTransport.Memfd));
        Assert.That(receiver.Receive(), Is.Empty, "the datagram carries only the descriptor");
    }

    [Test]
    public void AMissingSocketIsAJournalException()
    {
        var missing = Path.Combine(Path.GetTempPath(), "alsafe-no-journal-" + Guid.NewGuid().ToString("N"));
        using var socket = new JournalSocket(missing);

        Assert.That(JournalSocket.Exists(missing), Is.False);
        Assert.That(() => socket.Send("MESSAGE=x\n"u8), Throws.TypeOf<JournalException>().With.Message.Contains(missing));
    }

    [Test]
    public void AJournaldThatStopsReadingMakesSendsFailInsteadOfBlockingForever()
    {
        using var receiver = new DatagramReceiver();
        using var socket = new JournalSocket(receiver.Path, TimeSpan.FromMilliseconds(100));

        // The receiver never reads: once its queue is full a send waits for room, and gives up at the timeout.
        Assert.That(() =>
        {
            for (var sent = 0; sent < 100_000; sent++)
            {
                socket.Send("MESSAGE=queued\n"u8);
            }
        }, Throws.TypeOf<JournalException>());
    }
}
