using System.Buffers;
using System.Text;
using AlSafe.Core.Introspection.Model;

namespace AlSafe.Core.Whitelist;

/// <summary>
/// Reads a tenant's whitelist file: tab-separated <c>vm process user proto direction local_port remote remote_port</c>,
/// one entry a line, <c>#</c> starting a comment. The bytes are parsed in place; strings are made only for the VM
/// names and process texts the entries keep, once per distinct value. Any error rejects the whole file.
/// </summary>
public sealed class WhitelistParser
{
    private static readonly string[] ColumnNames = ["vm", "process", "user", "proto", "direction", "local_port", "remote", "remote_port"];

    /// <summary>Every byte but TAB and printable ASCII: the only ones that need a closer look.</summary>
    private static readonly SearchValues<byte> NeedsCheck = SearchValues.Create(
        Enumerable.Range(0, 256).Where(b => b != '\t' && b is < 0x20 or > 0x7E).Select(b => (byte)b).ToArray());

    private readonly string _file;
    private readonly List<WhitelistError> _errors = [];
    private readonly List<WhitelistEntry> _entries = [];
    private readonly HashSet<WhitelistEntry> _distinct = new(SameColumns.Instance);
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _stringLookup;
    private readonly char[] _chars = new char[WhitelistLimits.MaxLineBytes];
    private bool _stopped;

    private WhitelistParser(string file)
    {
        _file = file;
        _stringLookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <param name="content">The file's bytes: UTF-8, optionally with a byte order mark, LF or CRLF line ends.</param>
    /// <param name="file">The file's name, for entries' locations and errors.</param>
    /// <param name="tenant">The tenant the file belongs to; see <see cref="TenantName"/>.</param>
    public static WhitelistParseResult Parse(ReadOnlySpan<byte> content, string file, string tenant)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!TenantName.IsValid(tenant))
        {
            throw new ArgumentException($"'{tenant}' is not a tenant name", nameof(tenant));
        }

        if (content.Length > WhitelistLimits.MaxFileBytes)
        {
            return WhitelistParseResult.Invalid(file, tenant, [FileTooBig(file, content.Length)]);
        }

        var parser = new WhitelistParser(file);
        parser.ParseLines(content.StartsWith("\uFEFF"u8) ? content[3..] : content);
        return parser._errors.Count == 0
            ? WhitelistParseResult.Valid(new TenantWhitelist(tenant, file, parser._entries.AsReadOnly()))
            : WhitelistParseResult.Invalid(file, tenant, parser._errors.AsReadOnly());
    }

    internal static WhitelistError FileTooBig(string file, long length) =>
        new(file, 1, 1, null, $"the file is {length} bytes long; a whitelist is at most {WhitelistLimits.MaxFileBytes} bytes");

    private void ParseLines(ReadOnlySpan<byte> rest)
    {
        var line = 0;
        while (!rest.IsEmpty && !_stopped)
        {
            line++;
            var end = rest.IndexOf((byte)'\n');
            ParseLine(end < 0 ? rest : rest[..end], line);
            rest = end < 0 ? [] : rest[(end + 1)..];
        }
    }

    private void ParseLine(ReadOnlySpan<byte> text, int line)
    {
        if (text.EndsWith((byte)'\r'))
        {
            text = text[..^1];
        }

        if (text.Length > WhitelistLimits.MaxLineBytes)
        {
            Fail(line, WhitelistLimits.MaxLineBytes + 1, null, $"the line is {text.Length} bytes long; a line is at most {WhitelistLimits.MaxLineBytes}");
            return;
        }

        if (!CheckCharacters(text, line))
        {
            return;
        }

        // Blanks before a comment set it off from the entry; they are not part of the last column.
        var comment = text.IndexOf((byte)'#');
        var data = comment < 0 ? text : text[..comment].TrimEnd(" \t"u8);
        if (!data.ContainsAnyExcept((byte)' ', (byte)'\t'))
        {
            return;
        }

        var columns = data.Count((byte)'\t') + 1;
        if (columns != ColumnNames.Length)
        {
            WrongColumnCount(data, columns, line);
            return;
        }

        ParseEntry(data, line);
    }

    /// <summary>
    /// Refuses bytes that could hide what a line says from the person reviewing it: controls (a lone CR rewinds a
    /// terminal line), invisible and line-breaking characters (bidirectional overrides reorder a line's display),
    /// and invalid UTF-8.
    /// </summary>
    private bool CheckCharacters(ReadOnlySpan<byte> text, int line)
    {
        var i = text.IndexOfAny(NeedsCheck);
        while (i >= 0)
        {
            var b = text[i];
            var used = 1;
            string? problem = null;
            if (b < 0x80)
            {
                problem = b switch
                {
                    0 => "NUL byte",
                    (byte)'\r' => "a carriage return is allowed only at the end of a line",
                    _ => $"control character 0x{b:x2}",
                };
            }
            else if (Rune.DecodeFromUtf8(text[i..], out var rune, out used) != OperationStatus.Done)
            {
                problem = "invalid UTF-8";
            }
            else if (Rune.GetUnicodeCategory(rune) is System.Globalization.UnicodeCategory.Control or System.Globalization.UnicodeCategory.Format
                     or System.Globalization.UnicodeCategory.LineSeparator or System.Globalization.UnicodeCategory.ParagraphSeparator)
            {
                problem = $"invisible or control character U+{rune.Value:X4}";
            }

            if (problem is not null)
            {
                Fail(line, i + 1, null, problem);
                return false;
            }

            i += used;
            var next = text[i..].IndexOfAny(NeedsCheck);
            i = next < 0 ? -1 : i + next;
        }

        return true;
    }

    private void WrongColumnCount(ReadOnlySpan<byte> data, int columns, int line)
    {
        var message = $"expected {ColumnNames.Length} tab-separated columns, found {columns}";
        if (columns < ColumnNames.Length && data.Contains((byte)' '))
        {
            message += "; columns are separated by tabs, not spaces";
        }

        // Point at the first surplus column, or at the start of a line that is short of columns.
        var column = 1;
        for (var tabs = 0; columns > ColumnNames.Length && tabs < ColumnNames.Length; tabs++)
        {
            column += data[(column - 1)..].IndexOf((byte)'\t') + 1;
        }

        Fail(line, column, null, message);
    }

    private void ParseEntry(ReadOnlySpan<byte> data, int line)
    {
        Span<Range> ranges = stackalloc Range[ColumnNames.Length];
        var count = 0;
        foreach (var range in data.Split((byte)'\t'))
        {
            ranges[count++] = range;
        }

        string? vm = null;
        var process = default(ProcessPattern);
        uint? uid = null;
        var protocol = default(SocketProtocol);
        var direction = default(TrafficDirection);
        var localPort = PortRange.Any;
        var remote = AddressPrefix.Any;
        var remotePort = PortRange.Any;
        var valid = true;
        for (var c = 0; c < ColumnNames.Length; c++)
        {
            var text = data[ranges[c]];
            var error = WhitelistFields.Blank(text) ?? c switch
            {
                0 => Vm(text, out vm),
                1 => Process(text, out process),
                2 => WhitelistFields.Uid(text, out uid),
                3 => WhitelistFields.Protocol(text, out protocol),
                4 => WhitelistFields.Direction(text, out direction),
                5 => WhitelistFields.Port(text, out localPort),
                6 => WhitelistFields.Remote(text, out remote),
                _ => WhitelistFields.Port(text, out remotePort),
            };
            if (error is not null)
            {
                valid = false;
                if (!Fail(line, ranges[c].Start.Value + 1, ColumnNames[c], error))
                {
                    return;
                }
            }
        }

        if (valid)
        {
            Add(new WhitelistEntry(_file, line, vm, process, uid, protocol, direction, localPort, remote, remotePort));
        }
    }

    private void Add(WhitelistEntry entry)
    {
        if (_distinct.TryGetValue(entry, out var earlier))
        {
            Fail(entry.Line, 1, null, $"duplicate of line {earlier.Line}");
        }
        else if (_entries.Count == WhitelistLimits.MaxEntries)
        {
            Fail(entry.Line, 1, null, $"more than {WhitelistLimits.MaxEntries} entries; a whitelist holds at most that many");
            _stopped = true;
        }
        else
        {
            _distinct.Add(entry);
            _entries.Add(entry);
        }
    }

    private string? Vm(ReadOnlySpan<byte> text, out string? vm)
    {
        vm = null;
        if (WhitelistFields.IsAny(text))
        {
            return null;
        }

        var error = WhitelistFields.VmName(text);
        if (error is null)
        {
            vm = Intern(text);
        }

        return error;
    }

    private string? Process(ReadOnlySpan<byte> text, out ProcessPattern process)
    {
        process = default;
        var error = WhitelistFields.Process(text);
        if (error is null)
        {
            process = new ProcessPattern(Intern(text));
        }

        return error;
    }

    /// <summary>The text as a string, shared by every entry that repeats it (most lines name a handful of VMs and processes).</summary>
    private string Intern(ReadOnlySpan<byte> utf8)
    {
        var chars = _chars.AsSpan(0, Encoding.UTF8.GetChars(utf8, _chars));
        if (!_stringLookup.TryGetValue(chars, out var text))
        {
            text = new string(chars);
            _strings.Add(text, text);
        }

        return text;
    }

    /// <summary>Records an error; false once <see cref="WhitelistLimits.MaxErrors"/> is reached and parsing stops.</summary>
    private bool Fail(int line, int column, string? field, string message)
    {
        if (_errors.Count == WhitelistLimits.MaxErrors)
        {
            _errors.Add(new WhitelistError(_file, line, column, null, $"... and more: stopped after {WhitelistLimits.MaxErrors} errors"));
            _stopped = true;
            return false;
        }

        _errors.Add(new WhitelistError(_file, line, column, field, message));
        return true;
    }

    /// <summary>Equality of the eight columns, ignoring where the entry came from.</summary>
    private sealed class SameColumns : IEqualityComparer<WhitelistEntry>
    {
        public static readonly SameColumns Instance = new();

        public bool Equals(WhitelistEntry? x, WhitelistEntry? y) =>
            ReferenceEquals(x, y) || (x is not null && y is not null
                && string.Equals(x.Vm, y.Vm, StringComparison.Ordinal) && x.Process == y.Process && x.Uid == y.Uid
                && x.Protocol == y.Protocol && x.Direction == y.Direction && x.LocalPort == y.LocalPort
                && x.Remote == y.Remote && x.RemotePort == y.RemotePort);

        public int GetHashCode(WhitelistEntry obj) =>
            HashCode.Combine(obj.Vm, obj.Process, obj.Uid, obj.Protocol, obj.Direction, obj.LocalPort, obj.Remote, obj.RemotePort);
    }
}
