using System.Text;
using AlSafe.Interop.Ovsdb;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.Ovsdb;

public sealed class OvsdbMessageFramerTests
{
    // Braces and quotes inside strings, escapes, multi-byte UTF-8 and whitespace between messages: whatever a split
    // cuts through must not be mistaken for the end of a message.
    private static readonly string[] Messages =
    [
        """{"id":1,"result":["Open_vSwitch","_Server"],"error":null}""",
        """{"method":"update","params":[7,{"Interface":{"0e7b2f36-4cc3-4b4c-9d3e-0c5e3c2b1a00":{"new":{"name":"t}\"{ap\u00e9","external_ids":["map",[["alsafe-vm","wéb€"]]]}}}}],"id":null}""",
        """{"method":"echo","params":[],"id":"echo"}""",
    ];

    private static readonly byte[] Stream = Encoding.UTF8.GetBytes(string.Join(" \n\t", Messages) + "\r\n");

    [Test]
    public void Messages_come_out_whole_wherever_a_read_is_cut()
    {
        for (var split = 0; split <= Stream.Length; split++)
        {
            var framer = new OvsdbMessageFramer(1 << 20);
            var taken = new List<string>();

            Feed(framer, Stream.AsSpan(0, split), taken);
            Feed(framer, Stream.AsSpan(split), taken);

            Assert.That(taken, Is.EqualTo(Messages), $"split at byte {split}");
        }
    }

    [Test]
    public void Messages_come_out_whole_one_byte_at_a_time()
    {
        var framer = new OvsdbMessageFramer(1 << 20);
        var taken = new List<string>();

        foreach (var b in Stream)
        {
            Feed(framer, [b], taken);
        }

        Assert.That(taken, Is.EqualTo(Messages));
    }

    [Test]
    public void Two_messages_in_one_read_both_come_out()
    {
        var framer = new OvsdbMessageFramer(1 << 20);
        var taken = new List<string>();

        Feed(framer, Encoding.UTF8.GetBytes(Messages[0] + Messages[2]), taken);

        Assert.That(taken, Is.EqualTo(new[] { Messages[0], Messages[2] }));
    }

    [Test]
    public void A_message_larger_than_the_buffer_grows_it()
    {
        var big = $$"""{"id":1,"result":"{{new string('x', 200_000)}}","error":null}""";
        var framer = new OvsdbMessageFramer(1 << 20);
        var taken = new List<string>();

        Feed(framer, Encoding.UTF8.GetBytes(big), taken);

        Assert.That(taken, Is.EqualTo(new[] { big }));
    }

    [Test]
    public void A_message_at_the_cap_is_accepted_and_one_byte_more_is_refused()
    {
        var atCap = $$"""{"a":"{{new string('x', 100 - 8)}}"}""";
        Assert.That(atCap, Has.Length.EqualTo(100));
        var taken = new List<string>();

        Feed(new OvsdbMessageFramer(100), Encoding.UTF8.GetBytes(atCap), taken);
        var e = Assert.Throws<OvsdbException>(() => Feed(new OvsdbMessageFramer(99), Encoding.UTF8.GetBytes(atCap), taken))!;

        Assert.That(taken, Is.EqualTo(new[] { atCap }));
        Assert.That(e.Message, Does.Contain("longer than 99 bytes"));
    }

    [Test]
    public void An_endless_message_is_refused_at_the_cap_without_waiting_for_its_end()
    {
        var framer = new OvsdbMessageFramer(64 * 1024);
        var chunk = Encoding.UTF8.GetBytes(new string('x', 1000));
        var taken = new List<string>();
        Feed(framer, "{\"a\":\""u8, taken);

        Assert.Throws<OvsdbException>(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                Feed(framer, chunk, taken);
            }
        });
    }

    [Test]
    public void Endless_whitespace_between_messages_does_not_accumulate()
    {
        var framer = new OvsdbMessageFramer(100);
        var taken = new List<string>();

        for (var i = 0; i < 1000; i++)
        {
            Feed(framer, Encoding.UTF8.GetBytes(new string(' ', 1000)), taken);
        }

        Feed(framer, """{"a":1}"""u8, taken);
        Assert.That(taken, Is.EqualTo(new[] { """{"a":1}""" }));
    }

    [TestCase("hello")]
    [TestCase("[1,2]")]
    [TestCase("\"text\"")]
    [TestCase("{\"a\":}")]
    [TestCase("{\"a\":1,}")]
    [TestCase("{\"a\" 1}")]
    [TestCase("{\"a\":1}}")]
    [TestCase("{\"a\":tru}")]
    [TestCase("{\"a\":1 /* comment */}")]
    [TestCase("\u0000")]
    public void Anything_but_json_objects_is_refused(string garbage)
    {
        var framer = new OvsdbMessageFramer(1 << 20);

        Assert.Throws<OvsdbException>(() => Feed(framer, Encoding.UTF8.GetBytes(garbage), []));
    }

    [Test]
    public void Invalid_utf8_is_refused()
    {
        var framer = new OvsdbMessageFramer(1 << 20);

        Assert.Throws<OvsdbException>(() => Feed(framer, [(byte)'{', (byte)'"', 0xff, 0xfe, (byte)'"', (byte)':', (byte)'1', (byte)'}'], []));
    }

    [Test]
    public void Nesting_deeper_than_the_limit_is_refused()
    {
        var framer = new OvsdbMessageFramer(1 << 20);
        var deep = "{\"a\":" + new string('[', 100) + new string(']', 100) + "}";

        Assert.Throws<OvsdbException>(() => Feed(framer, Encoding.UTF8.GetBytes(deep), []));
    }

    private static void Feed(OvsdbMessageFramer framer, ReadOnlySpan<byte> bytes, List<string> taken)
    {
        while (true)
        {
            while (framer.TryTake(out var message))
            {
                taken.Add(Encoding.UTF8.GetString(message.Span));
            }

            if (bytes.IsEmpty)
            {
                return;
            }

            var space = framer.GetFreeSpace().Span;
            var count = Math.Min(space.Length, bytes.Length);
            bytes[..count].CopyTo(space);
            framer.Commit(count);
            bytes = bytes[count..];
        }
    }
}
