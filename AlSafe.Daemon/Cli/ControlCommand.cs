using System.Globalization;
using AlSafe.Core.Decisions;
using AlSafe.Daemon.Control;

namespace AlSafe.Daemon.Cli;

/// <summary>
/// The verbs that talk to the running daemon over D-Bus: <c>status</c>, <c>vms</c>, <c>connections VM</c>,
/// <c>reload</c> and <c>period VM SECONDS</c>. A wrong command line is a <see cref="UsageException"/> (exit 2); anything
/// the bus or the daemon refuses, including a daemon that is not running, is one line on stderr and exit 1.
/// </summary>
public static class ControlCommand
{
    public const string Usage = """
        usage: alsafe status | vms | connections VM | reload | period VM SECONDS
          status         the daemon's version, uptime, VM count and last error
          vms            the protected VMs: tenant, introspection period, state, last introspection, verdict counts
          connections    one VM's connections and the verdict for each
          reload         re-read the configuration and the whitelists
          period         set how often a VM is introspected (1 to 3600 seconds)
        """;

    public static readonly IReadOnlyList<string> Verbs = ["status", "vms", "connections", "reload", "period"];

    /// <param name="busAddress">The bus the daemon is on; null for the system bus.</param>
    public static async Task<int> RunAsync(string verb, IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr,
                                           string? busAddress = null)
    {
        ArgumentNullException.ThrowIfNull(verb);
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        // The command line is checked before the bus is touched, so a typo is reported as such even with no daemon.
        Func<DBusControlClient, Task> action = (verb, args.Count) switch
        {
            ("status", 0) => async c => WriteStatus(await c.GetStatusAsync().ConfigureAwait(false), stdout),
            ("vms", 0) => async c => WriteVms(await c.ListVmsAsync().ConfigureAwait(false), stdout),
            ("connections", 1) => async c => WriteConnections(await c.GetConnectionsAsync(args[0]).ConfigureAwait(false), stdout),
            ("reload", 0) => async c =>
            {
                await c.ReloadAsync().ConfigureAwait(false);
                stdout.WriteLine("reloaded");
            },
            ("period", 2) => SetPeriod(args[0], args[1], stdout),
            _ when Verbs.Contains(verb) => throw new UsageException($"wrong arguments for {verb}\n{Usage}"),
            _ => throw new UsageException($"unknown control command '{verb}'\n{Usage}"),
        };

        try
        {
            using var client = await DBusControlClient.ConnectAsync(busAddress).ConfigureAwait(false);
            await action(client).ConfigureAwait(false);
            return 0;
        }
        catch (ControlException e)
        {
            stderr.WriteLine($"alsafe: {e.Message}");
            return 1;
        }
    }

    private static Func<DBusControlClient, Task> SetPeriod(string vm, string text, TextWriter stdout)
    {
        if (!uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            throw new UsageException($"period needs a whole number of seconds, not '{text}'");
        }

        return async c =>
        {
            await c.SetPeriodAsync(vm, seconds).ConfigureAwait(false);
            stdout.WriteLine($"{vm}: introspected every {seconds}s");
        };
    }

    private static void WriteStatus(DaemonStatus s, TextWriter o)
    {
        o.WriteLine($"version     {s.Version}");
        o.WriteLine($"uptime      {Duration(s.Uptime)}");
        o.WriteLine($"vms         {s.VmCount}");
        o.WriteLine($"last error  {s.LastError ?? "none"}");
    }

    private static void WriteVms(IReadOnlyList<VmSummary> vms, TextWriter o)
    {
        var rows = new List<string[]> { new[] { "VM", "TENANT", "PERIOD", "STATE", "LAST INTROSPECTION", "ALLOWED", "BLOCKED" } };
        rows.AddRange(vms.Select(v => new[]
        {
            v.Name, v.Tenant, $"{v.PeriodSeconds}s", v.State,
            v.LastIntrospection?.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "never",
            v.Allowed.ToString(CultureInfo.InvariantCulture), v.Blocked.ToString(CultureInfo.InvariantCulture),
        }));
        WriteTable(rows, o);
    }

    private static void WriteConnections(IReadOnlyList<ConnectionVerdict> connections, TextWriter o)
    {
        var rows = new List<string[]> { new[] { "PID", "PROCESS", "PROTO", "LOCAL", "REMOTE", "VERDICT", "EXE", "REASON" } };
        rows.AddRange(connections.Select(c => new[]
        {
            c.Pid.ToString(CultureInfo.InvariantCulture), c.Process, c.Protocol, c.Local, c.Remote,
            c.Verdict == VerdictKind.Allow ? "allow" : "block", c.Executable, c.Reason,
        }));
        WriteTable(rows, o);
    }

    /// <summary>Left-aligned columns two spaces apart; the last column is free text and is not padded.</summary>
    private static void WriteTable(List<string[]> rows, TextWriter o)
    {
        var columns = rows[0].Length;
        var widths = Enumerable.Range(0, columns).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var r in rows)
        {
            o.WriteLine(string.Join("  ", r.Select((cell, c) => c == columns - 1 ? cell : cell.PadRight(widths[c]))));
        }
    }

    private static string Duration(TimeSpan t) =>
        t.Days > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{t.Days}d {t.Hours}h {t.Minutes}m {t.Seconds}s")
            : string.Create(CultureInfo.InvariantCulture, $"{t.Hours}h {t.Minutes}m {t.Seconds}s");
}
