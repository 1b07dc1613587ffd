using AlSafe.TestSupport.Net;

namespace AlSafe.Tests.Packaging;

/// <summary>Runs a program of this machine with a deadline, no input, and the system directories on PATH.</summary>
internal static class HostCommand
{
    // dpkg runs ldconfig and start-stop-daemon from the sbin directories, which a test runner's PATH may lack.
    private const string SystemPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>Runs <paramref name="file"/>; its process tree is killed and the test fails past
    /// <paramref name="timeout"/>.</summary>
    public static async Task<HostCommandResult> RunAsync(string file, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var list = arguments.ToList();
        var command = string.Join(' ', [file, .. list]);
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = $"{SystemPath}:{Environment.GetEnvironmentVariable("PATH")}",
            ["DEBIAN_FRONTEND"] = "noninteractive",
        };
        // Past the timeout NetCommand kills the process tree and throws, which fails the test.
        var result = await NetCommand.RunAsync(file, list, timeout, CancellationToken.None, environment, input: "");
        return new HostCommandResult(command, result.ExitCode, result.Output, result.Error);
    }
}
