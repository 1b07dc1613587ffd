using System.Text;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;
using NUnit.Framework;
using static AlSafe.Tests.Whitelist.WhitelistText;

namespace AlSafe.Tests.Whitelist;

/// <summary>The file format around the columns: lines, comments, encodings, errors and limits.</summary>
public sealed class WhitelistParserTests
{
    private static readonly string Sample = string.Join('\n',
        "# acme's web tier",
        "web-1\t/usr/sbin/nginx\t33\ttcp\tin\t443\t*\t*",
        "",
        "\t   ",
        "*\tsshd\t0\ttcp\tin\t22\t192.0.2.0/24\t*   # bastion only",
        "db-1\t/usr/sbin/mysqld\t*\ttcp\tout\t*\t2001:db8::5\t3306\t# replica");

    [Test]
    public void ParsesEntriesInFileOrder_SkippingBlankAndCommentLines()
    {
        var result = Parse(Sample);

        Assert.That(result.IsValid, Is.True, string.Join('\n', result.Errors));
        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Tenant, Is.EqualTo("acme"));
        var whitelist = result.Whitelist!;
        Assert.That((whitelist.Tenant, whitelist.File), Is.EqualTo(("acme", FileName)));
        Assert.That(whitelist.Entries.Select(e => e.Location), Is.EqualTo(new[] { "acme.tsv:2", "acme.tsv:5", "acme.tsv:6" }));
        Assert.That(whitelist.Entries[0], Is.EqualTo(new WhitelistEntry(
            FileName, 2, "web-1", new ProcessPattern("/usr/sbin/nginx"), 33, SocketProtocol.Tcp, TrafficDirection.In,
            PortRange.Single(443), AddressPrefix.Any, PortRange.Any)));
        Assert.That(whitelist.Entries[1].Remote.ToString(), Is.EqualTo("192.0.2.0/24"));
        Assert.That(whitelist.Entries[2].RemotePort, Is.EqualTo(PortRange.Single(3306)));
    }

    [TestCase("")]
    [TestCase("\n\n")]
    [TestCase("# only a comment\n   \n\t\n")]
    public void AFileWithoutEntries_IsAValidEmptyWhitelist(string text) =>
        Assert.That(Parse(text).Whitelist!.Entries, Is.Empty);

    [Test]
    public void CrLfLineEnds_ReadLikeLf()
    {
        var lf = Parse(Sample).Whitelist!.Entries;
        var crlf = Parse(Sample.ReplaceLineEndings("\r\n") + "\r\n").Whitelist!.Entries;

        Assert.That(crlf, Is.EqualTo(lf));
    }

    [Test]
    public void AByteOrderMarkAtTheStart_IsSkippedAndNotCountedInColumns()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(With(2, "x"))).ToArray();

        var error = Parse(bytes).Errors.Single();

        Assert.That((error.Line, error.Column, error.Field), Is.EqualTo((1, StartOf(2, Columns), "user")));
        Assert.That(Parse([.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(Line(Columns))]).Whitelist!.Entries, Has.Count.EqualTo(1));
    }

    [Test]
    public void AByteOrderMarkLaterOn_IsRefused()
    {
        var error = SingleError($"# a\n\uFEFF{Line(Columns)}");

        Assert.That((error.Line, error.Column, error.Message), Is.EqualTo((2, 1, "invisible or control character U+FEFF")));
    }

    [Test]
    public void TheLastLineNeedsNoLineEnd() =>
        Assert.That(Parse($"{Line(Columns)}\n{With(5, "80")}").Whitelist!.Entries, Has.Count.EqualTo(2));

    [TestCase("\t# note")]
    [TestCase(" # note")]
    [TestCase(" \t  #note")]
    [TestCase("#")]
    public void ACommentAfterAnEntry_TakesTheBlanksBeforeIt(string comment) =>
        Assert.That(Single(Line(Columns) + comment).RemotePort, Is.EqualTo(PortRange.Any));

    [Test]
    public void AHashEndsTheLineEvenInsideAColumn()
    {
        var error = SingleError(With(1, "/opt/app#1/bin/x"));

        Assert.That(error.Message, Is.EqualTo("expected 8 tab-separated columns, found 2"));
    }

    [Test]
    public void ColumnsSeparatedBySpaces_GetAHint()
    {
        var error = SingleError(string.Join(' ', Columns));

        Assert.That(error.ToString(), Is.EqualTo("acme.tsv:1:1: expected 8 tab-separated columns, found 1; columns are separated by tabs, not spaces"));
    }

    [Test]
    public void TooFewColumns_AreCountedAtTheLineStart()
    {
        var error = SingleError(Line(Columns[..7]));

        Assert.That((error.Line, error.Column, error.Field, error.Message), Is.EqualTo((1, 1, (string?)null, "expected 8 tab-separated columns, found 7")));
    }

    [Test]
    public void TooManyColumns_PointAtTheFirstSurplusOne()
    {
        var columns = Columns.Append("extra").ToArray();

        var error = SingleError(Line(columns));

        Assert.That((error.Column, error.Message), Is.EqualTo((StartOf(8, columns), "expected 8 tab-separated columns, found 9")));
    }

    [Test]
    public void ATrailingTabWithoutAComment_IsAnEmptyNinthColumn() =>
        Assert.That(SingleError(Line(Columns) + "\t").Message, Is.EqualTo("expected 8 tab-separated columns, found 9"));

    [TestCase("\0", "NUL byte")]
    [TestCase("\u001b", "control character 0x1b")]
    [TestCase("\u007f", "control character 0x7f")]
    [TestCase("\r", "a carriage return is allowed only at the end of a line")]
    [TestCase("\u0085", "invisible or control character U+0085")]
    [TestCase("\u202e", "invisible or control character U+202E")]
    [TestCase("\u200b", "invisible or control character U+200B")]
    [TestCase("\u2028", "invisible or control character U+2028")]
    public void ControlAndInvisibleCharacters_AreRefusedWhereTheyAre(string character, string message)
    {
        var columns = (string[])Columns.Clone();
        columns[1] = "/usr/sbin/ng" + character + "inx";

        var error = SingleError("# fine\n" + Line(columns));

        Assert.That((error.Line, error.Column, error.Field, error.Message),
            Is.EqualTo((2, StartOf(1, columns) + "/usr/sbin/ng".Length, (string?)null, message)));
    }

    [Test]
    public void ControlCharactersInAComment_AreRefusedToo() =>
        Assert.That(SingleError(Line(Columns) + " # hidden \u202e text").Message, Does.Contain("U+202E"));

    [TestCase(new byte[] { 0xFF })]
    [TestCase(new byte[] { 0xC3 })]
    [TestCase(new byte[] { 0xC0, 0x80 })]
    [TestCase(new byte[] { 0xED, 0xA0, 0x80 })]
    [TestCase(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    [TestCase(new byte[] { 0x80 })]
    public void InvalidUtf8_IsRefusedAtItsByte(byte[] bad)
    {
        var prefix = "web-1\t/usr/bin/a"u8.ToArray();
        byte[] bytes = [.. "# ok\n"u8, .. prefix, .. bad, .. "\t33\ttcp\tin\t443\t*\t*\n"u8];

        var error = Parse(bytes).Errors.Single();

        Assert.That((error.Line, error.Column, error.Message), Is.EqualTo((2, prefix.Length + 1, "invalid UTF-8")));
    }

    [Test]
    public void AnOverlongLine_IsOneErrorAndTheNextLinesAreStillRead()
    {
        var text = $"{Line(Columns)}\n# {new string('x', 5000)}\n{With(3, "sctp")}\n";

        var errors = Parse(text).Errors;

        Assert.That(errors.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            "acme.tsv:2:4097: the line is 5002 bytes long; a line is at most 4096",
            $"acme.tsv:3:{StartOf(3, Columns)}: proto: 'sctp' is not a protocol: use tcp or udp",
        }));
    }

    [Test]
    public void ALineOfExactlyTheLimit_IsRead()
    {
        var line = Line(Columns) + "#";
        var text = line + new string('x', WhitelistLimits.MaxLineBytes - line.Length);

        Assert.That(Single(text + "\r\n").Location, Is.EqualTo("acme.tsv:1"));
    }

    [Test]
    public void ADuplicateEntry_NamesTheEarlierLine()
    {
        var text = $"{Line(Columns)}\n{With(5, "80")}\n# again\n{Line(Columns)}  # same\n";

        Assert.That(SingleError(text).ToString(), Is.EqualTo("acme.tsv:4:1: duplicate of line 1"));
    }

    [TestCase(6, "192.0.2.1", "192.0.2.1/32")]
    [TestCase(6, "2001:db8::1", "2001:DB8:0::1/128")]
    [TestCase(5, "443", "443-443")]
    public void EntriesThatParseTheSame_AreDuplicates(int column, string first, string second) =>
        Assert.That(SingleError($"{With(column, first)}\n{With(column, second)}").Message, Is.EqualTo("duplicate of line 1"));

    [Test]
    public void EntriesDifferingInOneColumn_AreNotDuplicates()
    {
        var lines = Enumerable.Range(0, 8).Select(c => With(c, c switch
        {
            0 => "*",
            1 => "nginx",
            2 => "*",
            3 => "udp",
            4 => "out",
            5 => "*",
            6 => "192.0.2.1",
            _ => "1-1024",
        }));

        Assert.That(Parse(string.Join('\n', lines.Prepend(Line(Columns)))).Whitelist!.Entries, Has.Count.EqualTo(9));
    }

    [Test]
    public void OneBadLine_RejectsTheWholeFile()
    {
        var text = string.Join('\n', Enumerable.Range(1, 50).Select(p => With(5, p.ToString(System.Globalization.CultureInfo.InvariantCulture))))
                   + "\n" + With(4, "inbound");

        var result = Parse(text);

        Assert.That(result.IsValid, Is.False);
        Assert.That(result.Whitelist, Is.Null);
        Assert.That(result.Errors.Single().ToString(), Is.EqualTo($"acme.tsv:51:{StartOf(4, Columns)}: direction: 'inbound' is not a direction: use in (the guest accepts the connection) or out (the guest opens it)"));
    }

    [Test]
    public void ErrorsStopAtTheCap_WithAMarker()
    {
        var text = string.Concat(Enumerable.Repeat(With(3, "TCP") + "\n", 150));

        var errors = Parse(text).Errors;

        Assert.That(errors, Has.Count.EqualTo(WhitelistLimits.MaxErrors + 1));
        Assert.That(errors[^2].Line, Is.EqualTo(100));
        Assert.That(errors[^1].ToString(), Is.EqualTo($"acme.tsv:101:{StartOf(3, Columns)}: ... and more: stopped after 100 errors"));
    }

    [Test]
    public void RepeatedNames_ShareOneString()
    {
        var entries = Parse($"{Line(Columns)}\n{With(5, "80")}").Whitelist!.Entries;

        Assert.That(entries[1].Process.Text, Is.SameAs(entries[0].Process.Text));
        Assert.That(entries[1].Vm, Is.SameAs(entries[0].Vm));
    }

    [Test]
    public void AnInvalidTenantName_IsTheCallersBug() =>
        Assert.That(() => WhitelistParser.Parse([], "x.tsv", "Acme"), Throws.ArgumentException);

    [Test]
    public void AHundredThousandLines_Parse()
    {
        var result = Parse(ManyLines(100_000));

        Assert.That(result.Whitelist!.Entries, Has.Count.EqualTo(100_000));
        Assert.That(result.Whitelist.Entries[^1].Location, Is.EqualTo("acme.tsv:100000"));
    }

    [Test]
    public void AFileOverTheSizeLimit_IsRefusedUnread()
    {
        var bytes = new byte[WhitelistLimits.MaxFileBytes + 1];

        Assert.That(Parse(bytes).Errors.Single().ToString(),
            Is.EqualTo("acme.tsv:1:1: the file is 67108865 bytes long; a whitelist is at most 67108864 bytes"));
    }

    [Test]
    public void MoreEntriesThanTheLimit_AreRefused()
    {
        var errors = Parse(ManyLines(WhitelistLimits.MaxEntries + 1)).Errors;

        Assert.That(errors.Single().ToString(), Is.EqualTo("acme.tsv:1000001:1: more than 1000000 entries; a whitelist holds at most that many"));
    }

    /// <summary>Distinct valid lines, each differing in its uid.</summary>
    private static byte[] ManyLines(int count)
    {
        var text = new StringBuilder(count * 40);
        for (var i = 0; i < count; i++)
        {
            text.Append("vm-").Append(i % 50).Append("\tnginx\t").Append(i).Append("\ttcp\tin\t443\t*\t*\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
