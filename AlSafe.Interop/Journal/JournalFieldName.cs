namespace AlSafe.Interop.Journal;

/// <summary>
/// The field names journald accepts from a client: 1 to 64 characters of A-Z, 0-9 and '_', starting with a letter.
/// A leading '_' marks the fields journald itself vouches for (_PID, _SYSTEMD_UNIT...), which it ignores when a client
/// sends them; a leading digit or any other character makes journald drop the field.
/// </summary>
public static class JournalFieldName
{
    public const int MaxLength = 64;

    public static bool IsValid(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > MaxLength || !char.IsAsciiLetterUpper(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterUpper(c) && !char.IsAsciiDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <paramref name="prefix"/>, as it is, followed by <paramref name="identifier"/> in upper snake case (WhitelistLine
    /// becomes WHITELIST_LINE, HTTPServer HTTP_SERVER, remote-port REMOTE_PORT), cut to <see cref="MaxLength"/>; null
    /// when the identifier has no ASCII letter or digit or the result is still not a valid name (a lower-case prefix,
    /// or no prefix and an identifier that starts with a digit).
    /// </summary>
    /// <remarks>Deterministic, so one property always lands in one field: every character that is not an ASCII letter
    /// or digit becomes a word break, runs of breaks collapse into one '_', and breaks at either end are dropped. Two
    /// identifiers may map to one name (Vm and VM); journald keeps both values as a multi-valued field.</remarks>
    public static string? FromIdentifier(string prefix, string identifier)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(identifier);
        if (prefix.Length >= MaxLength)
        {
            return null;
        }

        Span<char> name = stackalloc char[MaxLength];
        prefix.CopyTo(name);
        var length = prefix.Length;
        var bodyStart = length;
        var pendingBreak = false;
        for (var i = 0; i < identifier.Length && length < MaxLength; i++)
        {
            var c = identifier[i];
            if (!char.IsAsciiLetterOrDigit(c))
            {
                pendingBreak = true;
                continue;
            }

            if (length > bodyStart && (pendingBreak || StartsWord(identifier, i)))
            {
                name[length++] = '_';
                if (length == MaxLength)
                {
                    break;
                }
            }

            pendingBreak = false;
            name[length++] = char.ToUpperInvariant(c);
        }

        var result = name[..length].TrimEnd('_');
        return result.Length > prefix.AsSpan().TrimEnd('_').Length && IsValid(result) ? new string(result) : null;
    }

    /// <summary>An upper-case letter starts a word after a lower-case letter or a digit (LocalPort, Ipv6Address), and
    /// at the end of a run of capitals that a lower-case letter follows (HTTPServer).</summary>
    private static bool StartsWord(string identifier, int index)
    {
        if (index == 0 || !char.IsAsciiLetterUpper(identifier[index]))
        {
            return false;
        }

        var previous = identifier[index - 1];
        if (char.IsAsciiLetterLower(previous) || char.IsAsciiDigit(previous))
        {
            return true;
        }

        return char.IsAsciiLetterUpper(previous) && index + 1 < identifier.Length && char.IsAsciiLetterLower(identifier[index + 1]);
    }
}
