return await AlSafe.Daemon.Cli.CommandLine.RunAsync(args);
