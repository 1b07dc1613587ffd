using System.Text;
using Serilog.Core;
using Serilog.Events;

namespace AlSafe.Daemon.Logging;

/// <summary>
/// Writes each event to standard error as text, every line prefixed with its syslog priority as <c>&lt;N&gt;</c>
/// (sd-daemon(3)). Under systemd, standard error is a journal stream and journald reads the prefix as the line's
/// priority; without a journal the prefix at least keeps the severity in the text. Every line carries the prefix
/// because journald reads a stream line by line, so a stack trace keeps the priority of the event it belongs to.
/// </summary>
public sealed class StderrSyslogSink : ILogEventSink
{
    private readonly TextWriter _output;
    private readonly Lock _lock = new();

    public StderrSyslogSink(TextWriter? output = null)
    {
        _output = output ?? Console.Error;
    }

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        Write(SyslogPriority.FromLevel(logEvent.Level), LogEventText.Render(logEvent));
    }

    /// <summary>Writes <paramref name="text"/> with <paramref name="priority"/> on each of its lines (an empty text as
    /// one empty line), in one write so that concurrent events do not interleave.</summary>
    public void Write(int priority, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var prefix = $"<{priority}>";
        var block = new StringBuilder(text.Length + prefix.Length + 1);
        foreach (var line in text.AsSpan().TrimEnd("\r\n").EnumerateLines())
        {
            block.Append(prefix).Append(line).Append('\n');
        }

        lock (_lock)
        {
            _output.Write(block.ToString());
            _output.Flush();
        }
    }
}
