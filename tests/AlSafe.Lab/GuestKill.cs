namespace AlSafe.Lab;

/// <summary>
/// Stopping lab guest helpers by their command line. The guest's busybox has no pkill, so a shell loop reads each
/// process's /proc/PID/cmdline; the pattern's first letter is bracketed so that it never matches the loop itself.
/// </summary>
internal static class GuestKill
{
    /// <summary>The guest channel command ("sh ...") that kills every process whose command line holds
    /// <paramref name="arguments"/> (letters, digits, spaces, dots and dashes) followed by its end.</summary>
    public static string Matching(string arguments)
    {
        if (arguments.Length < 2 || !arguments.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '.' or '-'))
        {
            throw new ArgumentException($"'{arguments}' is not a plain argument list", nameof(arguments));
        }

        var pattern = $"[{arguments[0]}]{arguments[1..].Replace(".", "\\.", StringComparison.Ordinal)} $";
        return $"sh for p in /proc/[0-9]*; do tr '\\0' ' ' <$p/cmdline 2>/dev/null | grep -q '{pattern}' && kill ${{p#/proc/}}; done; true";
    }
}
