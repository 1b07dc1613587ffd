using AlSafe.Core.Adaptation.Handoff;
using AlSafe.Daemon.Control;

namespace AlSafe.Daemon.Cli;

/// <summary>
/// <c>alsafe vm export|import|release|resume</c>: a VM's live-migration hand-off, through the local daemon over D-Bus
/// like <c>alsafe status</c>. A wrong command line is a <see cref="UsageException"/> (exit 2); anything the daemon
/// refuses (a tampered or stale file, an unknown VM, no migration key) or a file that cannot be read or written is one
/// line on stderr and exit 1.
/// </summary>
public static class VmCommand
{
    public const string Usage = """
        usage: alsafe vm export VM [--output FILE] | import FILE | release VM | resume VM
          export   stop introspecting VM for its migration and write its hand-off (verdicts, grants, period), sealed
                   with the [migration] key, to FILE (mode 0600) or stdout; its rules stay until it leaves this node
          import   check a hand-off from the source node and install its grants for the VM here, before it arrives
                   (vms.d/VM.conf must describe it already); FILE - reads stdin
          release  withdraw an exported VM's rules from this node now (its port outlives it)
          resume   cancel an export (the migration failed): introspection resumes, rules unchanged
        """;

    /// <param name="stdin">Where <c>import -</c> reads the file from.</param>
    /// <param name="busAddress">The bus the daemon is on; null for the system bus.</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextReader stdin, TextWriter stdout, TextWriter stderr,
                                           string? busAddress = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdin);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Count == 0)
        {
            throw new UsageException($"vm needs a subcommand\n{Usage}");
        }

        var o = new OptionReader(args.Skip(1).ToList(), args[0] == "export" ? ["--output"] : [], []);
        if (o.Positional.Count != 1)
        {
            throw new UsageException($"wrong arguments for vm {args[0]}\n{Usage}");
        }

        var target = o.Positional[0];
        // The command line is checked before the bus is touched, so a typo is reported as such even with no daemon.
        Func<DBusControlClient, Task> action = args[0] switch
        {
            "export" => c => ExportAsync(c, target, o.Value("--output"), stdout),
            "import" => c => ImportAsync(c, target, stdin, stdout),
            "release" => async c =>
            {
                await c.ReleaseVmAsync(target).ConfigureAwait(false);
                stdout.WriteLine($"{target}: released, its rules are withdrawn from this node");
            },
            "resume" => async c =>
            {
                await c.ResumeVmAsync(target).ConfigureAwait(false);
                stdout.WriteLine($"{target}: export cancelled, introspection resumes");
            },
            _ => throw new UsageException($"unknown vm subcommand '{args[0]}'\n{Usage}"),
        };

        try
        {
            using var client = await DBusControlClient.ConnectAsync(busAddress).ConfigureAwait(false);
            await action(client).ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (e is ControlException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"alsafe: {e.Message}");
            return 1;
        }
    }

    private static async Task ExportAsync(DBusControlClient client, string vm, string? output, TextWriter stdout)
    {
        var handoff = await client.ExportVmAsync(vm).ConfigureAwait(false);
        if (output is null)
        {
            stdout.Write(handoff);
            return;
        }

        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                // The hand-off lists a tenant's processes and connections: for root's eyes only, like the daemon's API.
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using var file = new FileStream(output, options);
            await using var writer = new StreamWriter(file);
            await writer.WriteAsync(handoff).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{output} cannot be written ({e.Message}); VM {vm} stays exported: export it again, or resume it", e);
        }

        stdout.WriteLine($"{vm}: exported to {output}");
    }

    private static async Task ImportAsync(DBusControlClient client, string path, TextReader stdin, TextWriter stdout)
    {
        string handoff;
        if (path == "-")
        {
            handoff = await stdin.ReadToEndAsync().ConfigureAwait(false);
        }
        else
        {
            if (new FileInfo(path) is { Exists: true, Length: > HandoffEnvelope.MaxBytes } large)
            {
                throw new IOException($"{path}: {large.Length} bytes is more than a hand-off can be ({HandoffEnvelope.MaxBytes})");
            }

            handoff = await File.ReadAllTextAsync(path).ConfigureAwait(false);
        }

        stdout.WriteLine(await client.ImportVmAsync(handoff).ConfigureAwait(false));
    }
}
