using AlSafe.Core.Whitelist;

namespace AlSafe.Daemon.Cli;

/// <summary>
/// <c>alsafe whitelist check</c>: validates tenant whitelists before they are deployed, with the same parser the
/// daemon reloads them with, so a file that passes here is a file the daemon installs.
/// </summary>
public static class WhitelistCommand
{
    public const string Usage = $"""
        usage: alsafe whitelist check PATH
          check   validate one tenant's whitelist (TENANT.tsv) or a directory of them (like {WhitelistDirectory.DefaultDirectory});
                  each error is printed as FILE:LINE:COLUMN: COLUMN-NAME: REASON, and any error exits with 1
        """;

    /// <exception cref="UsageException">The arguments are wrong.</exception>
    /// <exception cref="FileNotFoundException">PATH does not exist.</exception>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Count == 1 && args[0] is "-h" or "--help")
        {
            stderr.WriteLine(Usage);
            return 0;
        }

        if (args.Count == 0 || args[0] != "check")
        {
            throw new UsageException(args.Count == 0 ? $"whitelist needs a verb\n{Usage}" : $"unknown whitelist verb '{args[0]}'\n{Usage}");
        }

        if (args.Count != 2 || args[1].StartsWith('-'))
        {
            throw new UsageException($"whitelist check takes exactly one PATH\n{Usage}");
        }

        var path = args[1];
        var results = WhitelistDirectory.Load(path, note => stderr.WriteLine($"alsafe: {note}"));
        if (results.Count == 0)
        {
            stderr.WriteLine($"alsafe: {path}: no whitelist ({TenantName.FileExtension}) files");
        }

        var failed = false;
        foreach (var result in results)
        {
            if (result.IsValid)
            {
                var count = result.Whitelist.Entries.Count;
                stdout.WriteLine($"{result.File}: tenant {result.Tenant}, {count} {(count == 1 ? "entry" : "entries")}");
            }
            else
            {
                failed = true;
                foreach (var error in result.Errors)
                {
                    stderr.WriteLine(error);
                }
            }
        }

        return failed ? 1 : 0;
    }
}
