using System.Diagnostics;
using System.Text;

namespace AlSafe.TestSupport.Net;

/// <summary>
/// A long-running tool (a server, a sink) started inside a namespace. What it prints is collected so a test can read
/// it and a failure can show it; disposal kills it with every child it forked (socat's <c>fork</c> servers).
/// </summary>
public sealed class BackgroundProcess : IAsyncDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly Lock _gate = new();

    private BackgroundProcess(Process process, string commandLine)
    {
        _process = process;
        CommandLine = commandLine;
    }

    public string CommandLine { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process printed to stdout so far.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
                return _output.ToString();
        }
    }

    /// <summary>Everything the process printed to stderr so far.</summary>
    public string Error
    {
        get
        {
            lock (_gate)
                return _error.ToString();
        }
    }

    internal static BackgroundProcess Start(string executable, IEnumerable<string> arguments)
    {
        var start = NetCommand.StartInfo(executable, arguments, redirectInput: false);
        var commandLine = NetCommand.Describe(start);
        var process = new Process { StartInfo = start };
        var background = new BackgroundProcess(process, commandLine);
        process.OutputDataReceived += (_, line) => background.Append(background._output, line.Data);
        process.ErrorDataReceived += (_, line) => background.Append(background._error, line.Data);
        if (!process.Start())
            throw new NetException($"cannot start {commandLine}");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return background;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
                _process.Kill(entireProcessTree: true);
            using var deadline = new CancellationTokenSource(ExitTimeout);
            await _process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill: nothing is left to stop.
        }
        catch (OperationCanceledException)
        {
            // A child stuck in the kernel outlived the kill; deleting its namespace kills whatever is left in it.
        }
        finally
        {
            _process.Dispose();
        }
    }

    public override string ToString() => $"{CommandLine} (pid {_process.Id}): stdout {Output.Trim()} stderr {Error.Trim()}";

    private void Append(StringBuilder text, string? line)
    {
        if (line is null)
            return;
        lock (_gate)
            text.Append(line).Append('\n');
    }
}
