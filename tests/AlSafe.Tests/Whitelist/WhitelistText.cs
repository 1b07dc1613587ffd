using System.Text;
using AlSafe.Core.Whitelist;

namespace AlSafe.Tests.Whitelist;

/// <summary>Whitelist lines and files for tests, parsed as tenant <c>acme</c>'s file <c>acme.tsv</c>.</summary>
internal static class WhitelistText
{
    public const string FileName = "acme.tsv";

    /// <summary>A valid line; each column can be replaced by index.</summary>
    public static readonly string[] Columns = ["web-1", "/usr/sbin/nginx", "33", "tcp", "in", "443", "*", "*"];

    public static string Line(params string[] columns) => string.Join('\t', columns);

    public static string With(int column, string text)
    {
        var columns = (string[])Columns.Clone();
        columns[column] = text;
        return Line(columns);
    }

    /// <summary>The 1-based byte column where <paramref name="column"/> starts in a line of <paramref name="columns"/>.</summary>
    public static int StartOf(int column, params string[] columns) =>
        1 + columns.Take(column).Sum(c => Encoding.UTF8.GetByteCount(c) + 1);

    public static WhitelistParseResult Parse(string text) => Parse(Encoding.UTF8.GetBytes(text));

    public static WhitelistParseResult Parse(byte[] bytes) => WhitelistParser.Parse(bytes, FileName, "acme");

    /// <summary>The only entry of a file that must be valid.</summary>
    public static WhitelistEntry Single(string text)
    {
        var result = Parse(text);
        if (!result.IsValid)
        {
            throw new InvalidOperationException(string.Join('\n', result.Errors));
        }

        return result.Whitelist.Entries.Single();
    }

    /// <summary>The only error of a file that must be invalid.</summary>
    public static WhitelistError SingleError(string text)
    {
        var result = Parse(text);
        return result.IsValid ? throw new InvalidOperationException($"'{text}' parsed") : result.Errors.Single();
    }

    /// <summary>The entry with where it came from blanked, to compare columns only.</summary>
    public static WhitelistEntry Columns8(WhitelistEntry entry) => entry with { File = "", Line = 0 };
}
