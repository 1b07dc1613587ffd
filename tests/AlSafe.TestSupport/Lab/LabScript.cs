using System.Diagnostics;

namespace AlSafe.TestSupport.Lab;

/// <summary>Runs one of the tests/lab/*.sh scripts with a deadline and turns a failure into a readable exception.</summary>
internal static class LabScript
{
    public static string Directory => Path.Combine(LabAssets.RepositoryRoot, "tests", "lab");

    /// <summary>Runs the script and returns its standard output; the process tree is killed when the deadline passes.</summary>
    public static async Task<string> RunAsync(string script, IEnumerable<string> arguments, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("/bin/bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(Directory, script));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start) ?? throw new LabException($"cannot start {script}");
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
            throw new LabException($"{script} {string.Join(' ', start.ArgumentList.Skip(1))} took longer than {timeout}: " +
                                   await error.ConfigureAwait(false));
        }

        if (process.ExitCode != 0)
            throw new LabException($"{script} {string.Join(' ', start.ArgumentList.Skip(1))} failed " +
                                   $"(exit {process.ExitCode}): {(await error.ConfigureAwait(false)).Trim()}");
        return await output.ConfigureAwait(false);
    }
}
