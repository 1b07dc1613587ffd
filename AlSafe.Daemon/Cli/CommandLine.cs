namespace AlSafe.Daemon.Cli;

/// <summary>The <c>alsafe</c> verbs. Each verb lives in its own type; this only dispatches.</summary>
public static class CommandLine
{
    public static Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine(Usage);
            return Task.FromResult(args.Length == 0 ? 2 : 0);
        }

        if (args[0] == "--version")
        {
            Console.WriteLine($"alsafe {typeof(CommandLine).Assembly.GetName().Version?.ToString(3)}");
            return Task.FromResult(0);
        }

        Console.Error.WriteLine($"alsafe: unknown command '{args[0]}'\n{Usage}");
        return Task.FromResult(2);
    }

    private const string Usage = """
        usage: alsafe COMMAND [OPTIONS]
          introspect   list a guest's processes and sockets, read from outside the guest
          profile      build a kernel profile from a kernel package or image, or import a Volatility 3 symbol table
          --version    print the version
        """;
}
