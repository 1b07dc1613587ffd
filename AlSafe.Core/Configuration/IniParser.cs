using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using AlSafe.Core.Files;

namespace AlSafe.Core.Configuration;

/// <summary>
/// Reads the INI files of AL-SAFE's configuration: UTF-8 (a leading BOM accepted), LF or CRLF line ends, blank lines,
/// whole-line comments starting with <c>#</c> or <c>;</c>, <c>[section]</c> headers and <c>key = value</c> entries.
/// Names are lower-case letters, digits and <c>_</c>. There are no inline comments, so a value may hold <c>#</c> or
/// <c>;</c> (a D-Bus address, a path). Every line is checked, and every bad line gets its own error.
/// </summary>
public static class IniParser
{
    private const int MaxQuotedChars = 60;

    private static readonly SearchValues<char> NameChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_");

    /// <summary>Reads a file of at most <see cref="ConfigurationLimits.MaxFileBytes"/> and parses it.</summary>
    public static IniParseResult ParseFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var errors = new ConfigurationErrorList(path);
        ReadOnlyMemory<byte> content;
        try
        {
            if (Directory.Exists(path))
            {
                return Refused(path, "is a directory, not a file");
            }

            if (!BoundedFile.TryRead(path, ConfigurationLimits.MaxFileBytes, out content, out var length))
            {
                return Refused(path, TooBig(length));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Refused(path, $"cannot be read: {e.Message}");
        }
        catch (NotSupportedException)
        {
            return Refused(path, "is not a regular file");
        }

        var line = 0;
        foreach (var range in content.Span.Split((byte)'\n'))
        {
            line++;
            if (!Utf8.IsValid(content.Span[range]))
            {
                errors.Add(line, null, null, "is not valid UTF-8");
            }
        }

        // Invalid bytes decode to U+FFFD; their lines are already in error, and the rest are still worth checking.
        var parsed = Parse(path, Encoding.UTF8.GetString(content.Span));
        errors.AddRange(parsed.Errors);
        return parsed with { Errors = errors.ToList() };
    }

    /// <summary>Parses a file's text; <paramref name="path"/> only names the file in the errors.</summary>
    public static IniParseResult Parse(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(text);
        var byteCount = Encoding.UTF8.GetByteCount(text);
        if (byteCount > ConfigurationLimits.MaxFileBytes)
        {
            return Refused(path, TooBig(byteCount));
        }

        var state = new ParseState(path);
        var content = text.AsSpan();
        if (content.StartsWith('\uFEFF'))
        {
            content = content[1..];
        }

        var line = 0;
        foreach (var range in content.Split('\n'))
        {
            line++;
            var raw = content[range];
            if (raw.EndsWith('\r'))
            {
                raw = raw[..^1];
            }

            ParseLine(state, raw, line);
        }

        return new IniParseResult(new IniDocument(path, state.Sections), state.Errors.ToList());
    }

    /// <summary>True for a section or key name: lower-case letters, digits and <c>_</c>.</summary>
    private static bool IsName(ReadOnlySpan<char> text) =>
        !text.IsEmpty && !text.ContainsAnyExcept(NameChars);

    private static void ParseLine(ParseState state, ReadOnlySpan<char> raw, int line)
    {
        if (Encoding.UTF8.GetByteCount(raw) > ConfigurationLimits.MaxLineBytes)
        {
            state.Errors.Add(line, null, null, $"is longer than {ConfigurationLimits.MaxLineBytes} bytes");
            return;
        }

        for (var i = 0; i < raw.Length; i++)
        {
            if (char.IsControl(raw[i]) && raw[i] != '\t')
            {
                state.Errors.Add(line, null, null,
                    $"holds the control character U+{(int)raw[i]:X4} at column {i + 1}; only tab may appear in a line");
                return;
            }
        }

        var trimmed = raw.Trim(" \t");
        if (trimmed.IsEmpty || trimmed[0] is '#' or ';')
        {
            return;
        }

        if (trimmed[0] == '[')
        {
            ParseHeader(state, trimmed, line);
            return;
        }

        var equals = trimmed.IndexOf('=');
        if (equals < 0)
        {
            state.Errors.Add(line, state.SectionName, null,
                $"{Quote(trimmed)} is neither a [section], a key = value nor a comment (# or ;)");
            return;
        }

        var key = trimmed[..equals].TrimEnd(" \t");
        if (!IsName(key))
        {
            state.Errors.Add(line, state.SectionName, null,
                $"{Quote(key)} is not a key: keys are lower-case letters, digits and '_'");
            return;
        }

        var keyText = key.ToString();
        if (state.Current is null)
        {
            if (!state.InRefusedSection)
            {
                state.Errors.Add(line, null, keyText, "comes before any [section]");
            }

            return;
        }

        var entry = new IniEntry(keyText, trimmed[(equals + 1)..].Trim(" \t").ToString(), line);
        if (!state.Current.TryAdd(entry, out var existing))
        {
            state.Errors.Add(line, state.Current.Name, keyText, $"is set twice: first at line {existing.Line}");
        }
    }

    private static void ParseHeader(ParseState state, ReadOnlySpan<char> header, int line)
    {
        state.Current = null;
        state.InRefusedSection = true;
        var name = header[^1] == ']' ? header[1..^1] : [];
        if (!IsName(name))
        {
            state.Errors.Add(line, null, null,
                $"{Quote(header)} is not a section header: write [name], the name of lower-case letters, digits and '_'");
            return;
        }

        var nameText = name.ToString();
        if (state.ByName.TryGetValue(nameText, out var existing))
        {
            state.Errors.Add(line, nameText, null, $"appears twice: first at line {existing.Line}");
            return;
        }

        var section = new IniSection(nameText, line);
        state.ByName.Add(nameText, section);
        state.Sections.Add(section);
        state.Current = section;
        state.InRefusedSection = false;
    }

    private static string Quote(ReadOnlySpan<char> text) =>
        text.Length <= MaxQuotedChars ? $"'{text}'" : $"'{text[..MaxQuotedChars]}...'";

    private static string TooBig(long length) =>
        string.Create(CultureInfo.InvariantCulture, $"is {length} bytes long, more than the {ConfigurationLimits.MaxFileBytes} a configuration file may hold");

    private static IniParseResult Refused(string path, string message) =>
        new(new IniDocument(path, []), [new ConfigurationError(path, 0, null, null, message)]);

    private sealed class ParseState(string path)
    {
        public ConfigurationErrorList Errors { get; } = new(path);

        public List<IniSection> Sections { get; } = [];

        public Dictionary<string, IniSection> ByName { get; } = new(StringComparer.Ordinal);

        /// <summary>The section entries go to; null before the first header and after a refused one.</summary>
        public IniSection? Current { get; set; }

        /// <summary>After a bad or repeated header its entries are dropped without an error each.</summary>
        public bool InRefusedSection { get; set; }

        public string? SectionName => Current?.Name;
    }
}
