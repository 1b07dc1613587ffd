using System.Diagnostics;

namespace AlSafe.TestSupport.Ovs;

/// <summary>Runs an Open vSwitch command line tool with a deadline, pointed at one private instance's directories.</summary>
internal static class OvsTool
{
    public static async Task<string> RunAsync(string directory, string executable, IEnumerable<string> arguments, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        // Every path the daemons and tools derive (pidfiles, unixctl sockets, logs, the database) stays in the
        // private directory, so instances of concurrent test runs never meet.
        start.Environment["OVS_RUNDIR"] = directory;
        start.Environment["OVS_LOGDIR"] = directory;
        start.Environment["OVS_DBDIR"] = directory;
        start.Environment["OVS_SYSCONFDIR"] = directory;

        var line = $"{executable} {string.Join(' ', start.ArgumentList)}";
        using var process = Process.Start(start) ?? throw new OvsException($"cannot start {line}");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new OvsException($"{line} took longer than {timeout}: {await error.ConfigureAwait(false)}");
        }

        if (process.ExitCode != 0)
            throw new OvsException($"{line} failed (exit {process.ExitCode}): {(await error.ConfigureAwait(false)).Trim()}");
        return await output.ConfigureAwait(false);
    }

    public static bool IsInstalled(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => File.Exists(Path.Combine(dir, executable)));
}
