using System.Diagnostics;
using NUnit.Framework;

namespace AlSafe.Tests.Packaging;

/// <summary>Runs a program of this machine with a deadline, no input, and the system directories on PATH.</summary>
internal static class HostCommand
{
    // dpkg runs ldconfig and start-stop-daemon from the sbin directories, which a test runner's PATH may lack.
    private const string SystemPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>Runs <paramref name="file"/>; its process tree is killed and the test fails past
    /// <paramref name="timeout"/>.</summary>
    public static async Task<HostCommandResult> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PATH"] = $"{SystemPath}:{Environment.GetEnvironmentVariable("PATH")}";
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        var command = string.Join(' ', [file, .. start.ArgumentList]);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {command}");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            Assert.Fail($"{command} took longer than {timeout}:\n{await output}{await error}");
        }

        return new HostCommandResult(command, process.ExitCode, await output, await error);
    }
}
