using System.Diagnostics;
using NUnit.Framework;

namespace AlSafe.Tests.Rules;

/// <summary>Runs ovs-ofctl or nft, when installed, to check that the rendered text is what the real tools accept.</summary>
internal static class ExternalTool
{
    private static readonly string[] SearchPath = [.. (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':'), "/usr/sbin", "/sbin"];

    /// <summary>The tool's full path; the test is ignored when it is not installed.</summary>
    public static string Require(string name) =>
        SearchPath.Where(directory => directory.Length > 0).Select(directory => Path.Combine(directory, name)).FirstOrDefault(File.Exists)
        ?? throw new IgnoreException($"{name} is not installed");

    public static (int ExitCode, string Output, string Error) Run(string executable, params string[] arguments)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{executable} took more than 30 s");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
