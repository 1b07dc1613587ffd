using System.Net;
using System.Text;
using AlSafe.Interop.Journal;
using NUnit.Framework;

namespace AlSafe.Tests.Logging;

/// <summary>The native protocol's encoding, byte for byte where it matters.</summary>
public sealed class JournalEntryWriterTests
{
    [Test]
    public void PlainFieldsAreNameEqualsValueNewline()
    {
        using var entry = new JournalEntryWriter();

        entry.Add("MESSAGE", "hello");
        entry.Add("PRIORITY", 6);

        Assert.That(Encoding.UTF8.GetString(entry.WrittenSpan), Is.EqualTo("MESSAGE=hello\nPRIORITY=6\n"));
        Assert.That(entry.FieldCount, Is.EqualTo(2));
    }

    [Test]
    public void AValueWithANewlineUsesTheBinaryFormWithALittleEndianLength()
    {
        using var entry = new JournalEntryWriter();

        entry.Add("MESSAGE", "two\nlines");

        byte[] expected = [.. "MESSAGE\n"u8, 9, 0, 0, 0, 0, 0, 0, 0, .. "two\nlines\n"u8];
        Assert.That(entry.WrittenSpan.ToArray(), Is.EqualTo(expected));
    }

    [Test]
    public void TheBinaryLengthCountsUtf8BytesNotCharacters()
    {
        using var entry = new JournalEntryWriter();

        entry.Add("MESSAGE", "é\n€");

        var fields = JournalDatagram.Parse(entry.WrittenSpan);
        Assert.That(entry.WrittenSpan[8], Is.EqualTo(6), "é is 2 bytes, the newline 1, € 3");
        Assert.That(fields.Single("MESSAGE"), Is.EqualTo("é\n€"));
    }

    [Test]
    public void EmptyValuesAndEqualsSignsInValuesStayPlain()
    {
        using var entry = new JournalEntryWriter();

        entry.Add("EMPTY", "");
        entry.Add("EQUATION", "a=b");

        Assert.That(Encoding.UTF8.GetString(entry.WrittenSpan), Is.EqualTo("EMPTY=\nEQUATION=a=b\n"));
    }

    [Test]
    public void InvalidNamesAreDroppedAndCounted()
    {
        using var entry = new JournalEntryWriter();

        Assert.That(entry.Add("_PID", "1"), Is.False);
        Assert.That(entry.Add("lower", "x"), Is.False);
        Assert.That(entry.Add("A=B", "x"), Is.False);
        Assert.That(entry.Add("MESSAGE", "kept"), Is.True);

        Assert.That(Encoding.UTF8.GetString(entry.WrittenSpan), Is.EqualTo("MESSAGE=kept\n"));
        Assert.That(entry.DroppedFieldCount, Is.EqualTo(3));
        Assert.That(entry.FieldCount, Is.EqualTo(1));
    }

    [Test]
    public void FormattableValuesUseTheInvariantCultureAndTheGivenFormat()
    {
        using var entry = new JournalEntryWriter();

        entry.Add("ADDRESS", IPAddress.Parse("2001:db8::1"));
        entry.Add("RATIO", 0.5);
        entry.Add("HEX", 255, "x4");
        entry.Add("LEVEL", DayOfWeek.Friday);

        var fields = JournalDatagram.Parse(entry.WrittenSpan);
        Assert.That(fields.Single("ADDRESS"), Is.EqualTo("2001:db8::1"));
        Assert.That(fields.Single("RATIO"), Is.EqualTo("0.5"));
        Assert.That(fields.Single("HEX"), Is.EqualTo("00ff"));
        Assert.That(fields.Single("LEVEL"), Is.EqualTo("Friday"));
    }

    [Test]
    public void ValuesTooLongForTheStackAreFormattedAnyway()
    {
        using var entry = new JournalEntryWriter();

        entry.Add("PADDED", 7, "D200");

        Assert.That(JournalDatagram.Parse(entry.WrittenSpan).Single("PADDED"), Is.EqualTo(new string('0', 199) + "7"));
    }

    [Test]
    public void TheBufferGrowsForLargeEntriesAndClearStartsOver()
    {
        using var entry = new JournalEntryWriter();
        var large = new string('x', 300_000) + "\n" + new string('y', 10);

        entry.Add("MESSAGE", large);
        entry.Add("AFTER", "1");
        var fields = JournalDatagram.Parse(entry.WrittenSpan);
        entry.Clear();
        entry.Add("NEXT", "2");

        Assert.That(fields.Single("MESSAGE"), Is.EqualTo(large));
        Assert.That(fields.Single("AFTER"), Is.EqualTo("1"));
        Assert.That(Encoding.UTF8.GetString(entry.WrittenSpan), Is.EqualTo("NEXT=2\n"));
    }

    [Test]
    public void LoneSurrogatesAreWrittenAsReplacementCharacters()
    {
        using var entry = new JournalEntryWriter();

        entry.Add("MESSAGE", "a\ud800b");

        Assert.That(JournalDatagram.Parse(entry.WrittenSpan).Single("MESSAGE"), Is.EqualTo("a\ufffdb"));
    }

    [Test]
    public void ADisposedWriterRefusesFields()
    {
        var entry = new JournalEntryWriter();
        entry.Dispose();

        Assert.That(() => entry.Add("MESSAGE", "late"), Throws.TypeOf<ObjectDisposedException>());
    }
}
