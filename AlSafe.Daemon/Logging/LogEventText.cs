using Serilog.Events;
using Serilog.Parsing;

namespace AlSafe.Daemon.Logging;

/// <summary>The text both sinks show for an event: its message with string properties unquoted (as Serilog's :l
/// format writes them, so "VM web1" rather than "VM \"web1\""), then the exception, if any, on the following lines.</summary>
internal static class LogEventText
{
    public static string Render(LogEvent logEvent)
    {
        using var writer = new StringWriter();
        foreach (var token in logEvent.MessageTemplate.Tokens)
        {
            if (token is PropertyToken { Format: null, Alignment: null } property
                && logEvent.Properties.TryGetValue(property.PropertyName, out var value)
                && value is ScalarValue { Value: string text })
            {
                writer.Write(text);
            }
            else
            {
                token.Render(logEvent.Properties, writer);
            }
        }

        if (logEvent.Exception is { } exception)
        {
            writer.Write('\n');
            writer.Write(exception.ToString());
        }

        return writer.ToString();
    }
}
