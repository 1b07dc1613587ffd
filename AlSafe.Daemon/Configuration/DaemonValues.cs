using System.Buffers;
using AlSafe.Core.Configuration;
using AlSafe.Core.Rules.Edge;
using AlSafe.Interop.Ovsdb;

namespace AlSafe.Daemon.Configuration;

/// <summary>The value forms only alsafe.conf has, as <see cref="ValueParser{T}"/>s for <see cref="DaemonOptionsReader"/>.</summary>
internal static class DaemonValues
{
    /// <summary>IFNAMSIZ less its NUL: the bridge's own internal port carries its name.</summary>
    private const int MaxBridgeLength = 15;

    private const int MaxUserLength = 32;

    /// <summary>The base64 of a SHA-256 digest without its one padding character, as ssh-keygen -lf prints it.</summary>
    private const int FingerprintLength = 43;

    private const string FingerprintPrefix = "SHA256:";

    private static readonly SearchValues<char> NameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-");

    private static readonly SearchValues<char> Base64Chars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/");

    public static string? NodeName(string text, out string value)
    {
        value = text;
        return EdgeNode.IsValidName(text)
            ? null
            : $"{ConfigurationValues.Quote(text)} is not a node name: 1 to {EdgeNode.MaxNameLength} letters, digits, '_' or '-', " +
              "starting with a letter or digit (it names the node's sets and chains on the edge)";
    }

    /// <summary>A name safe in the default management socket's path: no '/', no leading dot.</summary>
    public static string? Bridge(string text, out string value)
    {
        value = text;
        return text.Length <= MaxBridgeLength && text[0] != '.' && !text.AsSpan().ContainsAnyExcept(NameChars)
            ? null
            : $"{ConfigurationValues.Quote(text)} is not a bridge name: 1 to {MaxBridgeLength} letters, digits, '.', '_' or '-', not starting with '.'";
    }

    /// <summary>An OpenFlow listener as HOST:PORT, an IPv6 address in brackets.</summary>
    public static string? TcpEndpoint(string text, out (string Host, int Port) value)
    {
        value = default;
        const string Form = "write HOST:PORT, an IPv6 address in brackets ([fd00::1]:6653)";
        var colon = text.LastIndexOf(':');
        if (colon <= 0)
        {
            return $"{ConfigurationValues.Quote(text)} is not an endpoint: {Form}";
        }

        var host = text[..colon];
        string? error;
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
            error = host.Contains(':', StringComparison.Ordinal)
                ? ConfigurationValues.Address(host, out _)
                : $"{ConfigurationValues.Quote(text)}: only an IPv6 address goes in brackets";
        }
        else
        {
            error = host.Contains(':', StringComparison.Ordinal)
                ? $"{ConfigurationValues.Quote(text)} is not an endpoint: {Form}"
                : ConfigurationValues.Host(host, out _);
        }

        if (error is not null)
        {
            return error;
        }

        if (ConfigurationValues.Integer(text[(colon + 1)..], 1, 65535, out var port) is not null)
        {
            return $"{ConfigurationValues.Quote(text)}: the port is a number from 1 to 65535";
        }

        value = (host, port);
        return null;
    }

    /// <summary><c>unix:PATH</c> (an absolute path) or <c>tcp:ADDRESS:PORT</c>, as <see cref="OvsdbEndpoint.Parse"/> reads them.</summary>
    public static string? Ovsdb(string text, out OvsdbEndpoint value)
    {
        value = OvsdbEndpoint.Default;
        try
        {
            var endpoint = OvsdbEndpoint.Parse(text);
            if (endpoint.Text.StartsWith("unix:", StringComparison.Ordinal) && !endpoint.Text.StartsWith("unix:/", StringComparison.Ordinal))
            {
                return $"{ConfigurationValues.Quote(text)}: the socket's path must be absolute (unix:/...)";
            }

            value = endpoint;
            return null;
        }
        catch (FormatException e)
        {
            return e.Message;
        }
    }

    /// <summary>An account name on the edge: letters, digits, '.', '_' and '-', not starting with '-'.</summary>
    public static string? User(string text, out string value)
    {
        value = text;
        return text.Length <= MaxUserLength && text[0] != '-' && !text.AsSpan().ContainsAnyExcept(NameChars)
            ? null
            : $"{ConfigurationValues.Quote(text)} is not a user name: 1 to {MaxUserLength} letters, digits, '.', '_' or '-', not starting with '-'";
    }

    /// <summary><c>SHA256:</c> and 43 base64 characters (one trailing '=' allowed), as ssh-keygen -lf prints a host key's.</summary>
    public static string? Fingerprint(string text, out string value)
    {
        value = text;
        var digest = text.StartsWith(FingerprintPrefix, StringComparison.Ordinal) ? text.AsSpan(FingerprintPrefix.Length) : [];
        if (digest.EndsWith('='))
        {
            digest = digest[..^1];
        }

        return digest.Length == FingerprintLength && !digest.ContainsAnyExcept(Base64Chars)
            ? null
            : $"{ConfigurationValues.Quote(text)} is not a host key fingerprint: SHA256: and 43 base64 characters, as " +
              "`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` prints it on the edge";
    }

    /// <summary>system, none, or a D-Bus address of the unix transport (unix:path=... or unix:abstract=...).</summary>
    public static string? Bus(string text, out string value)
    {
        value = text;
        return text is "system" or "none" || (text.StartsWith("unix:", StringComparison.Ordinal) && text.IndexOf('=', 5) is > 5 and var equals && equals < text.Length - 1)
            ? null
            : $"{ConfigurationValues.Quote(text)} is not a bus: use system, none, or a D-Bus address such as unix:path=/run/alsafe/bus";
    }
}
