using AlSafe.Core.Configuration;
using AlSafe.Core.Whitelist;
using AlSafe.Daemon.Configuration;

namespace AlSafe.Daemon.Runtime;

/// <summary>The node's trust rule applied to each kind of file the daemon reads ([node] trusted_files_only): a file
/// others could change is refused like a file with a syntax error, so its last good content stays in force.</summary>
internal sealed class TrustedFiles(bool enforced)
{
    /// <summary>The check of a configuration, whitelist or descriptor file; null when it may be used.</summary>
    public static string? Check(string path, bool privateKey) =>
        privateKey ? FileTrust.CheckPrivateKey(path) : FileTrust.CheckFile(path);

    public string? File(string path) => enforced ? FileTrust.CheckFile(path) : null;

    /// <summary>A whitelist file's parse result, or a refusal when the file is not trusted.</summary>
    public WhitelistParseResult Whitelist(WhitelistParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return File(result.File) is { } untrusted
            ? WhitelistParseResult.Invalid(result.File, result.Tenant, [new WhitelistError(result.File, 0, 0, null, untrusted)])
            : result;
    }

    /// <summary>Refuses to start with an edge key others could read or change.</summary>
    public void RequirePrivateKey(string path)
    {
        if (enforced && FileTrust.CheckPrivateKey(path) is { } untrusted)
        {
            throw new ConfigurationException([new ConfigurationError(path, 0, "edge", "private_key", untrusted)]);
        }
    }
}
