using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace AlSafe.Tests.Logging;

/// <summary>Keeps the events a logger emits, so tests can hand real Serilog events to the sinks' encoders.</summary>
internal sealed class CollectingSink : ILogEventSink
{
    public List<LogEvent> Events { get; } = [];

    public void Emit(LogEvent logEvent) => Events.Add(logEvent);

    /// <summary>The one event <paramref name="log"/> writes to a logger at the Verbose level.</summary>
    public static LogEvent Capture(Action<ILogger> log)
    {
        var sink = new CollectingSink();
        using (var logger = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger())
        {
            log(logger);
        }

        return sink.Events.Single();
    }
}
