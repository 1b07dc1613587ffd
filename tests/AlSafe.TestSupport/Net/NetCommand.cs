using System.Diagnostics;

namespace AlSafe.TestSupport.Net;

/// <summary>Runs a command line tool with a deadline: a hung tool is killed with its children, never waited for.</summary>
public static class NetCommand
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <param name="input">Written to the tool's stdin, which is then closed; null leaves the test's own stdin to it.</param>
    public static async Task<CommandResult> RunAsync(string executable, IEnumerable<string> arguments, TimeSpan timeout,
        CancellationToken cancellationToken, IReadOnlyDictionary<string, string>? environment = null, string? input = null)
    {
        var start = StartInfo(executable, arguments, redirectInput: input is not null);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        var line = Describe(start);
        using var process = Process.Start(start) ?? throw new NetException($"cannot start {line}");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input).ConfigureAwait(false);
            process.StandardInput.Close();
        }

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
            throw new NetException($"{line} took longer than {timeout}");
        }

        return new CommandResult(process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }

    /// <summary>Like <see cref="RunAsync"/>, but a non-zero exit is an error that names the command and its stderr.</summary>
    public static async Task<string> CheckAsync(string executable, IEnumerable<string> arguments, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var list = arguments.ToList();
        var result = await RunAsync(executable, list, DefaultTimeout, cancellationToken, environment).ConfigureAwait(false);
        if (!result.Succeeded)
            throw new NetException($"{executable} {string.Join(' ', list)} failed (exit {result.ExitCode}): {result.Error.Trim()}");
        return result.Output;
    }

    public static ProcessStartInfo StartInfo(string executable, IEnumerable<string> arguments, bool redirectInput)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = redirectInput,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        return start;
    }

    public static string Describe(ProcessStartInfo start) => $"{start.FileName} {string.Join(' ', start.ArgumentList)}";

    public static bool IsInstalled(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Any(directory => File.Exists(Path.Combine(directory, executable)));
}
