using System.Security.Cryptography;
using System.Text;

namespace AlSafe.Interop.Edge;

/// <summary>
/// OpenSSH's known_hosts format, as far as a daemon checking one host needs it: host patterns (with <c>*</c>, <c>?</c>,
/// negation and <c>[host]:port</c>) and hashed host names (<c>|1|salt|hmac</c>), the <c>@revoked</c> and
/// <c>@cert-authority</c> markers. A line that cannot be read is skipped, as ssh does.
/// </summary>
internal static class KnownHosts
{
    /// <summary>The keys listed for <paramref name="host"/> on <paramref name="port"/>, in file order.</summary>
    public static IReadOnlyList<KnownHostKey> For(string text, string host, int port)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(host);
        var name = port == 22 ? host : $"[{host}]:{port}";
        var keys = new List<KnownHostKey>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var fields = raw.Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0 || fields[0].StartsWith('#'))
            {
                continue;
            }

            string? marker = null;
            if (fields[0].StartsWith('@'))
            {
                marker = fields[0];
                fields = fields[1..];
            }

            if (fields.Length < 3 || !Matches(fields[0], name) || !TryDecode(fields[2], out var blob))
            {
                continue;
            }

            keys.Add(new KnownHostKey(marker, fields[1], blob, number));
        }

        return keys;
    }

    private static bool Matches(string patterns, string name)
    {
        var matched = false;
        foreach (var pattern in patterns.Split(','))
        {
            if (pattern.StartsWith("|1|", StringComparison.Ordinal))
            {
                matched |= MatchesHashed(pattern, name);
            }
            else if (pattern.StartsWith('!'))
            {
                if (Glob(pattern[1..], name))
                {
                    return false;
                }
            }
            else
            {
                matched |= Glob(pattern, name);
            }
        }

        return matched;
    }

    // |1|base64(salt)|base64(HMAC-SHA1(salt, name)), as ssh-keygen -H writes it.
    private static bool MatchesHashed(string pattern, string name)
    {
        var parts = pattern.Split('|');
        if (parts.Length != 4 || !TryDecode(parts[2], out var salt) || !TryDecode(parts[3], out var hash))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(name)), hash);
    }

    // ssh's match_pattern: '*' any run, '?' any one character, case-insensitive as host names are.
    private static bool Glob(string pattern, string name)
    {
        int p = 0, n = 0, star = -1, resume = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(name[n])))
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = n;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool TryDecode(string base64, out byte[] bytes)
    {
        bytes = new byte[base64.Length];
        if (Convert.TryFromBase64String(base64, bytes, out var written) && written > 0)
        {
            bytes = bytes[..written];
            return true;
        }

        return false;
    }
}
