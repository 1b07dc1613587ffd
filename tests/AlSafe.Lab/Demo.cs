using AlSafe.Daemon.Cli;
using AlSafe.TestSupport.Lab;

namespace AlSafe.Lab;

/// <summary>
/// <c>demo</c>: AL-SAFE on a node, narrated. Builds the node lab, starts <c>alsafe run</c> on it and walks through what
/// the firewall does (<see cref="DemoScript"/>), then tears everything down, also on Ctrl-C or when the run outlasts
/// its bound. Exit code 0 only when every check passed.
/// </summary>
internal static class Demo
{
    public const string Usage = """
        usage: demo [--la57] [--mem MiB]
          --la57   5-level paging in the guest (-cpu max); 4-level otherwise
          --mem    guest RAM in MiB (default 512, at most 1536 so that it stays below q35's PCI hole)
        Needs root, Open vSwitch, QEMU, nftables, sshd, socat, tcpdump and dbus-daemon (tests/lab/install-deps.sh).
        """;

    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(15);

    public static async Task<int> RunAsync(string[] args)
    {
        LabGuestOptions guest;
        try
        {
            var o = new OptionReader(args, ["--mem"], ["--la57"]);
            if (o.Positional.Count > 0)
            {
                throw new UsageException($"unexpected argument '{o.Positional[0]}'");
            }

            guest = new LabGuestOptions { Name = "alsafe-demo", FiveLevelPaging = o.Has("--la57"), MemoryMiB = o.Int("--mem", 512, 256, 1536) };
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"demo: {e.Message}\n{Usage}").ConfigureAwait(false);
            return 2;
        }

        if (LabDaemonNode.Unsupported() is { } reason)
        {
            await Console.Error.WriteLineAsync($"demo: {reason}").ConfigureAwait(false);
            return 1;
        }

        var narrator = new Narrator(Console.Out);
        using var interruption = new Interruption(Bound);
        try
        {
            await DemoScript.RunAsync(guest, narrator, interruption.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // Whatever broke, the demo says what and still ends with its count; the lab is torn down by then.
            var why = interruption.Token.IsCancellationRequested ? $" ({interruption.Reason})" : "";
            narrator.Check(false, "the demo ran to its end" + why, e.Message);
        }

        Console.WriteLine($"\n{narrator.Passed} passed, {narrator.Failed} failed");
        return narrator.Failed == 0 && narrator.Passed > 0 ? 0 : 1;
    }
}
