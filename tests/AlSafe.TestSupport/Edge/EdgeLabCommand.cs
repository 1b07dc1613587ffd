using System.Diagnostics;
using AlSafe.TestSupport.Lab;

namespace AlSafe.TestSupport.Edge;

/// <summary>Runs the lab's tools with a deadline; a hung tool is killed with its children, never waited for.</summary>
internal static class EdgeLabCommand
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string executable, IEnumerable<string> arguments, string? input = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var start = StartInfo(executable, arguments);
        start.RedirectStandardInput = true;
        var line = $"{executable} {string.Join(' ', start.ArgumentList)}";
        using var process = Process.Start(start) ?? throw new LabException($"cannot start {line}");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            if (input is not null)
            {
                await process.StandardInput.WriteAsync(input).ConfigureAwait(false);
            }

            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The tool stopped reading (it failed early); its exit code and stderr say why.
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new LabException($"{line} took longer than {timeout ?? DefaultTimeout}");
        }

        return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }

    /// <summary>Like <see cref="RunAsync"/>, but a non-zero exit is an error naming the command and its stderr.</summary>
    public static async Task<string> CheckAsync(string executable, params string[] arguments)
    {
        var (exit, output, error) = await RunAsync(executable, arguments).ConfigureAwait(false);
        return exit == 0
            ? output
            : throw new LabException($"{executable} {string.Join(' ', arguments)} failed (exit {exit}): {error.Trim()}");
    }

    /// <summary>Starts a long-running tool whose output nobody reads: it is drained and dropped, so the tool never
    /// blocks on a full pipe and never writes into the test runner's own output.</summary>
    public static Process Start(string executable, IEnumerable<string> arguments)
    {
        var process = Process.Start(StartInfo(executable, arguments)) ?? throw new LabException($"cannot start {executable}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static async Task StopAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has already exited.
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        process.Dispose();
    }

    public static bool IsInstalled(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Append("/usr/sbin").Append("/sbin")
        .Any(directory => File.Exists(Path.Combine(directory, executable)));

    private static ProcessStartInfo StartInfo(string executable, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}
