using System.Diagnostics;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.OpenFlow;

/// <summary>Open vSwitch's own decoder (<c>ovs-ofctl ofp-print HEX</c>) as the conformance oracle: what it decodes
/// without complaint, a real switch parses the same way.</summary>
internal static class OfpPrint
{
    private const string Executable = "ovs-ofctl";

    public static string Decode(ReadOnlySpan<byte> message)
    {
        if (!(Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, Executable))))
        {
            Assert.Ignore($"{Executable} is not installed (Debian package openvswitch-common)");
        }

        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("ofp-print");
        start.ArgumentList.Add(Convert.ToHexString(message));
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(10_000))
        {
            process.Kill();
            Assert.Fail("ovs-ofctl ofp-print hung");
        }

        var text = output.Result + error.Result;
        Assert.That(process.ExitCode, Is.Zero, text);
        Assert.That(text, Does.Not.Contain("decode error").And.Not.Contain("***"), text);
        return text;
    }
}
