using System.Text;
using AlSafe.Core.Configuration;
using NUnit.Framework;

namespace AlSafe.Tests.Configuration;

/// <summary>The INI grammar both configuration files share, and the errors it gives.</summary>
public sealed class IniParserTests
{
    private const string File = "/etc/alsafe/test.conf";

    [Test]
    public void SectionsAndEntries_KeepFileOrderAndLines()
    {
        var result = IniParser.Parse(File, """
            # a comment
            ; another

            [node]
            name = compute-01
            	vms_dir	=	/etc/alsafe/vms.d	
            [control]
            bus = unix:path=/run/x;guid=1 # not a comment
            empty =
            """);

        Assert.That(result.Errors, Is.Empty);
        Assert.That(result.Document.Sections.Select(s => (s.Name, s.Line)), Is.EqualTo(new[] { ("node", 4), ("control", 7) }));
        Assert.That(result.Document.Find("node")!.Entries, Is.EqualTo(new[]
        {
            new IniEntry("name", "compute-01", 5),
            new IniEntry("vms_dir", "/etc/alsafe/vms.d", 6),
        }));
        Assert.That(result.Document.Find("control")!.Find("bus")!.Value, Is.EqualTo("unix:path=/run/x;guid=1 # not a comment"));
        Assert.That(result.Document.Find("control")!.Find("empty")!.Value, Is.Empty);
        Assert.That(result.Document.Find("edge"), Is.Null);
    }

    [Test]
    public void CrlfAndBom_ReadAsPlainLf()
    {
        const string Text = "[node]\nname = a\n\n[control]\nbus = none\n";
        var plain = IniParser.Parse(File, Text);
        var windows = IniParser.Parse(File, "\uFEFF" + Text.Replace("\n", "\r\n", StringComparison.Ordinal));

        Assert.That(windows.Errors, Is.Empty);
        Assert.That(Flatten(windows.Document), Is.EqualTo(Flatten(plain.Document)));
    }

    [Test]
    public void ParseFile_AcceptsABomAndCrlf()
    {
        var path = Path.Combine(Path.GetTempPath(), $"alsafe-ini-{Guid.NewGuid():N}.conf");
        try
        {
            System.IO.File.WriteAllBytes(path, [.. Encoding.UTF8.GetPreamble(), .. "[node]\r\nname = é\r\n"u8.ToArray()]);
            var result = IniParser.ParseFile(path);

            Assert.That(result.Errors, Is.Empty);
            Assert.That(result.Document.Find("node")!.Find("name"), Is.EqualTo(new IniEntry("name", "é", 2)));
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [TestCase("name = x", "/etc/alsafe/test.conf:1: name: comes before any [section]")]
    [TestCase("[node]\nname = a\nname = b", "/etc/alsafe/test.conf:3: [node] name: is set twice: first at line 2")]
    [TestCase("[node]\n[control]\n[node]", "/etc/alsafe/test.conf:3: [node] appears twice: first at line 1")]
    [TestCase("[Node]", "/etc/alsafe/test.conf:1: '[Node]' is not a section header: write [name], the name of lower-case letters, digits and '_'")]
    [TestCase("[node", "/etc/alsafe/test.conf:1: '[node' is not a section header: write [name], the name of lower-case letters, digits and '_'")]
    [TestCase("[]", "/etc/alsafe/test.conf:1: '[]' is not a section header: write [name], the name of lower-case letters, digits and '_'")]
    [TestCase("[ node ]", "/etc/alsafe/test.conf:1: '[ node ]' is not a section header: write [name], the name of lower-case letters, digits and '_'")]
    [TestCase("[node] # comment", "/etc/alsafe/test.conf:1: '[node] # comment' is not a section header: write [name], the name of lower-case letters, digits and '_'")]
    [TestCase("[node]\nName = a", "/etc/alsafe/test.conf:2: [node] 'Name' is not a key: keys are lower-case letters, digits and '_'")]
    [TestCase("[node]\nvms-dir = a", "/etc/alsafe/test.conf:2: [node] 'vms-dir' is not a key: keys are lower-case letters, digits and '_'")]
    [TestCase("[node]\n= a", "/etc/alsafe/test.conf:2: [node] '' is not a key: keys are lower-case letters, digits and '_'")]
    [TestCase("[node]\nname: a", "/etc/alsafe/test.conf:2: [node] 'name: a' is neither a [section], a key = value nor a comment (# or ;)")]
    [TestCase("[node]\nname = a\u001bb", "/etc/alsafe/test.conf:2: holds the control character U+001B at column 9; only tab may appear in a line")]
    [TestCase("[node]\nname = a\rb", "/etc/alsafe/test.conf:2: holds the control character U+000D at column 9; only tab may appear in a line")]
    [TestCase("[node]\n\0", "/etc/alsafe/test.conf:2: holds the control character U+0000 at column 1; only tab may appear in a line")]
    [TestCase("# \u0085", "/etc/alsafe/test.conf:1: holds the control character U+0085 at column 3; only tab may appear in a line")]
    public void BadLines_AreErrorsWithTheirLine(string text, string error)
    {
        var result = IniParser.Parse(File, text);

        Assert.That(result.Errors.Select(e => e.ToString()), Is.EqualTo(new[] { error }));
        Assert.That(result.IsValid, Is.False);
    }

    [Test]
    public void ARefusedHeader_DropsItsEntriesWithoutAnErrorEach()
    {
        var result = IniParser.Parse(File, "[node]\nname = a\n[node]\nname = b\nvms_dir = /x\n[Bad]\nkey = v");

        Assert.That(result.Errors.Select(e => e.Line), Is.EqualTo(new[] { 3, 6 }));
        Assert.That(result.Document.Find("node")!.Entries.Single().Value, Is.EqualTo("a"));
    }

    [Test]
    public void LongLines_AreRefused_CountedInBytes()
    {
        var fits = "[node]\nname = " + new string('a', ConfigurationLimits.MaxLineBytes - 7);
        var tooLong = "[node]\nname = " + new string('é', 2100);

        Assert.That(IniParser.Parse(File, fits).Errors, Is.Empty);
        Assert.That(IniParser.Parse(File, tooLong).Errors.Single().ToString(),
            Is.EqualTo("/etc/alsafe/test.conf:2: is longer than 4096 bytes"));
    }

    [Test]
    public void BigFiles_AreRefused()
    {
        var text = "# " + new string('x', ConfigurationLimits.MaxFileBytes);

        var result = IniParser.Parse(File, text);

        Assert.That(result.Errors.Single().ToString(),
            Is.EqualTo($"/etc/alsafe/test.conf: is {ConfigurationLimits.MaxFileBytes + 2} bytes long, more than the 1048576 a configuration file may hold"));
        Assert.That(result.Document.Sections, Is.Empty);
    }

    [Test]
    public void EveryErrorIsCollected_UpToTheLimit()
    {
        var some = IniParser.Parse(File, "[node]\nbad 1\nbad 2\n[Bad]\nx = 1\n[control]\nalso bad");
        var many = IniParser.Parse(File, "[node]\n" + string.Concat(Enumerable.Repeat("bad\n", 150)));

        Assert.That(some.Errors.Select(e => e.Line), Is.EqualTo(new[] { 2, 3, 4, 7 }));
        Assert.That(many.Errors, Has.Count.EqualTo(ConfigurationLimits.MaxErrors));
        Assert.That(many.Errors[^1].Line, Is.EqualTo(ConfigurationLimits.MaxErrors + 1));
    }

    [Test]
    public void ParseFile_ReportsEachLineOfInvalidUtf8_AndParsesTheRest()
    {
        var path = Path.Combine(Path.GetTempPath(), $"alsafe-ini-{Guid.NewGuid():N}.conf");
        try
        {
            System.IO.File.WriteAllBytes(path, [.. "[node]\nname = "u8, 0xff, .. "\nvms_dir = /x\nbad\n"u8]);
            var result = IniParser.ParseFile(path);

            Assert.That(result.Errors.Select(e => e.ToString()), Is.EqualTo(new[]
            {
                $"{path}:2: is not valid UTF-8",
                $"{path}:4: [node] 'bad' is neither a [section], a key = value nor a comment (# or ;)",
            }));
            Assert.That(result.Document.Find("node")!.Find("vms_dir")!.Value, Is.EqualTo("/x"));
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }

    [Test]
    public void ParseFile_RefusesWhatItCannotRead()
    {
        var directory = Directory.CreateTempSubdirectory("alsafe-ini-").FullName;
        try
        {
            var missing = Path.Combine(directory, "missing.conf");
            var big = Path.Combine(directory, "big.conf");
            System.IO.File.WriteAllBytes(big, new byte[ConfigurationLimits.MaxFileBytes + 1]);

            Assert.That(IniParser.ParseFile(missing).Errors.Single().ToString(), Does.StartWith($"{missing}: cannot be read: "));
            Assert.That(IniParser.ParseFile(directory).Errors.Single().ToString(), Is.EqualTo($"{directory}: is a directory, not a file"));
            Assert.That(IniParser.ParseFile(big).Errors.Single().ToString(),
                Is.EqualTo($"{big}: is 1048577 bytes long, more than the 1048576 a configuration file may hold"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public void ErrorsPrintTheirParts_LeavingOutThoseThatAreMissing()
    {
        Assert.That(new ConfigurationError("f", 3, "node", "name", "bad").ToString(), Is.EqualTo("f:3: [node] name: bad"));
        Assert.That(new ConfigurationError("f", 3, "node", null, "bad").ToString(), Is.EqualTo("f:3: [node] bad"));
        Assert.That(new ConfigurationError("f", 3, null, "name", "bad").ToString(), Is.EqualTo("f:3: name: bad"));
        Assert.That(new ConfigurationError("f", 0, null, null, "bad").ToString(), Is.EqualTo("f: bad"));
        Assert.That(new ConfigurationException([new("f", 1, null, null, "a"), new("f", 2, null, null, "b")]).Message,
            Is.EqualTo("f:1: a\nf:2: b"));
        Assert.Throws<ArgumentException>(() => _ = new ConfigurationException([]));
    }

    private static IEnumerable<string> Flatten(IniDocument document) =>
        document.Sections.SelectMany(s => s.Entries.Select(e => $"{s.Name}:{s.Line}:{e.Key}={e.Value}@{e.Line}").Prepend($"[{s.Name}]@{s.Line}"));
}
