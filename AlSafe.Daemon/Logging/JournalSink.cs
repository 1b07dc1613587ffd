using System.Collections.Concurrent;
using AlSafe.Interop.Journal;
using Serilog.Core;
using Serilog.Events;

namespace AlSafe.Daemon.Logging;

/// <summary>
/// Writes each event to journald as one structured entry: MESSAGE (see <see cref="LogEventText"/>), PRIORITY from the
/// level (<see cref="SyslogPriority"/>), SYSLOG_IDENTIFIER, and every property as a field named by
/// <see cref="FieldName"/>. An event journald does not take goes to the stderr sink instead, so nothing is lost while
/// journald restarts; the first such event of an outage is preceded there by one notice, and the first entry journald
/// takes again is followed by one saying how many events went to stderr meanwhile.
/// </summary>
/// <remarks>
/// <para>Property values: strings as they are, booleans as true/false, dates in round-trip ("O") form, numbers, enums,
/// addresses and other formattable scalars in the invariant culture, sequences and structures in Serilog's text form.
/// A null value writes no field. A property whose name has no ASCII letter or digit writes none either.</para>
/// <para>Thread-safe: each event is encoded into its own pooled buffer and sent as one datagram.</para>
/// </remarks>
public sealed class JournalSink : ILogEventSink, IDisposable
{
    public const string DefaultIdentifier = "alsafe";

    /// <summary>Bounds the name cache: property names come from code and are few, but a caller that builds names
    /// from data must not grow it without end (names past the bound are converted on every event).</summary>
    private const int FieldNameCacheLimit = 1024;

    private static readonly ConcurrentDictionary<string, string?> FieldNames = new(StringComparer.Ordinal);

    private readonly JournalSocket _socket;
    private readonly StderrSyslogSink _fallback;
    private readonly string _identifier;
    private int _inOutage;
    private long _eventsOnStderr;

    public JournalSink(JournalSocket socket, StderrSyslogSink fallback, string identifier = DefaultIdentifier)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(fallback);
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        _socket = socket;
        _fallback = fallback;
        _identifier = identifier;
    }

    /// <summary>The journal field a property is written to: <see cref="LogFields.JournalPrefix"/> and the name in
    /// upper snake case (see <see cref="JournalFieldName.FromIdentifier"/>); null when the name yields none.</summary>
    public static string? FieldName(string property)
    {
        if (FieldNames.TryGetValue(property, out var cached))
        {
            return cached;
        }

        var name = JournalFieldName.FromIdentifier(LogFields.JournalPrefix, property);
        if (FieldNames.Count < FieldNameCacheLimit)
        {
            FieldNames.TryAdd(property, name);
        }

        return name;
    }

    public void Emit(LogEvent logEvent)
    {
        ArgumentNullException.ThrowIfNull(logEvent);
        using var entry = new JournalEntryWriter();
        Encode(logEvent, entry);
        try
        {
            _socket.Send(entry.WrittenSpan);
        }
        catch (JournalException e)
        {
            Interlocked.Increment(ref _eventsOnStderr);
            if (Interlocked.Exchange(ref _inOutage, 1) == 0)
            {
                _fallback.Write(SyslogPriority.Warning,
                    $"journald does not take entries ({e.Message}); logging to stderr until it does again");
            }

            _fallback.Emit(logEvent);
            return;
        }

        if (Volatile.Read(ref _inOutage) == 1 && Interlocked.Exchange(ref _inOutage, 0) == 1)
        {
            ReportRecovery(entry);
        }
    }

    public void Dispose() => _socket.Dispose();

    /// <summary>Encodes <paramref name="logEvent"/> as this sink sends it.</summary>
    internal void Encode(LogEvent logEvent, JournalEntryWriter entry)
    {
        entry.Add("MESSAGE", LogEventText.Render(logEvent));
        entry.Add("PRIORITY", SyslogPriority.FromLevel(logEvent.Level));
        entry.Add("SYSLOG_IDENTIFIER", _identifier);
        foreach (var (property, value) in logEvent.Properties)
        {
            if (FieldName(property) is { } name)
            {
                AddValue(entry, name, value);
            }
        }
    }

    private static void AddValue(JournalEntryWriter entry, string name, LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: null }:
                break;
            case ScalarValue { Value: string text }:
                entry.Add(name, text);
                break;
            case ScalarValue { Value: bool flag }:
                entry.Add(name, flag ? "true" : "false");
                break;
            case ScalarValue { Value: DateTime or DateTimeOffset } time:
                entry.Add(name, (ISpanFormattable)time.Value, "O");
                break;
            case ScalarValue { Value: ISpanFormattable formattable }:
                entry.Add(name, formattable);
                break;
            case ScalarValue { Value: { } other }:
                entry.Add(name, other.ToString());
                break;
            default:
                entry.Add(name, value.ToString());
                break;
        }
    }

    private void ReportRecovery(JournalEntryWriter entry)
    {
        var missed = Interlocked.Exchange(ref _eventsOnStderr, 0);
        entry.Clear();
        entry.Add("MESSAGE", $"journald takes entries again; {missed} events went to stderr while it did not");
        entry.Add("PRIORITY", SyslogPriority.Notice);
        entry.Add("SYSLOG_IDENTIFIER", _identifier);
        try
        {
            _socket.Send(entry.WrittenSpan);
        }
        catch (JournalException)
        {
            // journald went away again between two sends; the next event's failure starts the new outage's notice.
        }
    }
}
