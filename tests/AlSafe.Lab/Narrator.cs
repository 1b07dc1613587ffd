namespace AlSafe.Lab;

/// <summary>
/// The console of the demo and the benchmarks: numbered steps, indented blocks, PASS/FAIL checks that are counted, and
/// the daemon's log lines. Each call writes whole lines under one lock, so lines from the log view never split a block.
/// </summary>
internal sealed class Narrator(TextWriter output)
{
    private readonly Lock _gate = new();
    private int _step;
    private int _passed;
    private int _failed;

    public int Passed => Volatile.Read(ref _passed);

    public int Failed => Volatile.Read(ref _failed);

    /// <summary>Starts a numbered step.</summary>
    public void Step(string title) => Write($"\n== {Interlocked.Increment(ref _step)}. {title}");

    /// <summary>One line of narration.</summary>
    public void Say(string text) => Write("   " + text);

    /// <summary>Command output or file text, each line behind a bar; empty lines at its end are left out.</summary>
    public void Block(string text)
    {
        var lines = text.TrimEnd().Split('\n').Select(line => "     | " + line.TrimEnd('\r'));
        Write(string.Join('\n', lines));
    }

    /// <summary>Counts and prints one check; a detail of several lines follows it as a block. Returns
    /// <paramref name="passed"/>.</summary>
    public bool Check(bool passed, string what, string? detail = null)
    {
        Interlocked.Increment(ref passed ? ref _passed : ref _failed);
        var verdict = passed ? "   PASS " : "   FAIL ";
        if (detail is not null && detail.Contains('\n', StringComparison.Ordinal))
        {
            Write(verdict + what + ":");
            Block(detail);
        }
        else
        {
            Write(verdict + what + (detail is null ? "" : $" ({detail})"));
        }

        return passed;
    }

    /// <summary>One line the daemon logged, as it came.</summary>
    public void Daemon(string line) => Write("      alsafe> " + line);

    private void Write(string text)
    {
        lock (_gate)
        {
            output.WriteLine(text);
            output.Flush();
        }
    }
}
