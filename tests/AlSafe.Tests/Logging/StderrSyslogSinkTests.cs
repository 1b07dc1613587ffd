using AlSafe.Daemon.Logging;
using NUnit.Framework;

namespace AlSafe.Tests.Logging;

/// <summary>The stderr form: sd-daemon priority prefixes on every line.</summary>
public sealed class StderrSyslogSinkTests
{
    [Test]
    public void EachLineCarriesThePriorityPrefix()
    {
        var output = new StringWriter();
        var sink = new StderrSyslogSink(output);

        sink.Emit(CollectingSink.Capture(log => log.Warning("Blocked {Vm}\nsecond line", "web1")));
        sink.Emit(CollectingSink.Capture(log => log.Debug("detail")));

        Assert.That(output.ToString(), Is.EqualTo("<4>Blocked web1\n<4>second line\n<7>detail\n"));
    }

    [Test]
    public void AnExceptionsLinesKeepTheEventsPriority()
    {
        var output = new StringWriter();
        Exception failure;
        try
        {
            throw new IOException("disk gone");
        }
        catch (IOException e)
        {
            failure = e;
        }

        new StderrSyslogSink(output).Emit(CollectingSink.Capture(log => log.Fatal(failure, "Giving up")));

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines[0], Is.EqualTo("<2>Giving up"));
        Assert.That(lines[1], Is.EqualTo("<2>System.IO.IOException: disk gone"));
        Assert.That(lines, Has.Length.GreaterThan(2).And.All.StartWith("<2>"));
    }

    [Test]
    public void TrailingNewlinesAddNoEmptyLinesAndAnEmptyTextIsOneLine()
    {
        var output = new StringWriter();
        var sink = new StderrSyslogSink(output);

        sink.Write(SyslogPriority.Notice, "done\r\n\n");
        sink.Write(SyslogPriority.Error, "");

        Assert.That(output.ToString(), Is.EqualTo("<5>done\n<3>\n"));
    }
}
