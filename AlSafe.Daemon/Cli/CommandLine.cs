using AlSafe.Core.Introspection;

namespace AlSafe.Daemon.Cli;

/// <summary>
/// The <c>alsafe</c> verbs. Each verb lives in its own type; this dispatches and turns failures into exit codes:
/// 2 for a wrong command line, 1 for input that is wrong or a guest that cannot be read, each with one clear line.
/// </summary>
public static class CommandLine
{
    private const string Usage = """
        usage: alsafe COMMAND [OPTIONS]
          run          the daemon: protect this node's VMs (run --config /etc/alsafe/alsafe.conf)
          introspect   list a guest's processes and sockets, read from outside the guest
          profile      build a kernel profile from a kernel package or image, or import a Volatility 3 symbol table
          whitelist    check tenant whitelists (whitelist check PATH)
          plan         show the verdicts, switch flows and edge elements for one VM's connection list
          edge         install or repair AL-SAFE's table on the edge firewall host (edge init), show it (edge show)
          status       the running daemon's status; vms, connections VM, reload, period VM SECONDS also talk to it
          vm           a VM's live-migration hand-off through the daemon: vm export|import|release|resume
          --version    print the version
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        var rest = args[1..];
        try
        {
            return args[0] switch
            {
                "--version" => Version(),
                "run" => await RunCommand.RunAsync(rest, Console.Error).ConfigureAwait(false),
                "introspect" => await IntrospectCommand.RunAsync(rest, Console.Out, Console.Error).ConfigureAwait(false),
                "profile" => ProfileCommand.Run(rest, Console.OpenStandardOutput(), Console.Error),
                "whitelist" => WhitelistCommand.Run(rest, Console.Out, Console.Error),
                "plan" => PlanCommand.Run(rest, Console.Out, Console.Error),
                "edge" => await EdgeCommand.RunAsync(rest, Console.Out, Console.Error).ConfigureAwait(false),
                "vm" => await VmCommand.RunAsync(rest, Console.In, Console.Out, Console.Error).ConfigureAwait(false),
                "status" or "vms" or "connections" or "reload" or "period" =>
                    await ControlCommand.RunAsync(args[0], rest, Console.Out, Console.Error).ConfigureAwait(false),
                _ => throw new UsageException($"unknown command '{args[0]}'\n{Usage}"),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"alsafe: {e.Message}");
            return 2;
        }
        catch (IntrospectionException e)
        {
            Console.Error.WriteLine($"alsafe: introspection failed ({e.Fault}): {e.Message}");
            return 1;
        }
        catch (Exception e) when (e is IOException or FormatException or UnauthorizedAccessException or InvalidDataException
                                      or System.Net.Sockets.SocketException or TimeoutException)
        {
            Console.Error.WriteLine($"alsafe: {e.Message}");
            return 1;
        }
    }

    private static int Version()
    {
        Console.WriteLine($"alsafe {typeof(CommandLine).Assembly.GetName().Version?.ToString(3)}");
        return 0;
    }
}
