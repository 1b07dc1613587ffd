using AlSafe.Core.Configuration;
using AlSafe.Daemon.Configuration;
using AlSafe.Daemon.Logging;
using AlSafe.Daemon.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;

namespace AlSafe.Daemon.Cli;

/// <summary><c>alsafe run --config FILE</c>: the daemon. A configuration with errors stops it before anything is touched,
/// with every error on its own line (file:line: [section] key: reason) on stderr and in the journal.</summary>
public static class RunCommand
{
    public const string DefaultConfig = "/etc/alsafe/alsafe.conf";

    public const string Usage = """
        usage: alsafe run [--config FILE] [--check-config]
          --config        the node's configuration (default /etc/alsafe/alsafe.conf; every key is documented in
                          alsafe.conf.example). SIGHUP re-reads the whitelists and VM descriptors.
          --check-config  read and check the configuration, the whitelists and the VM descriptors, print what is
                          wrong (file:line), and exit: 0 when all are good, 1 otherwise. Touches nothing.
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stderr)
    {
        var o = new OptionReader(args, ["--config"], ["--check-config"]);
        if (o.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument '{o.Positional[0]}'\n{Usage}");
        }

        var path = o.Value("--config") ?? DefaultConfig;
        using var log = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.JournalOrStderr().CreateLogger();
        DaemonOptions options;
        try
        {
            if (TrustedFiles.Check(path, privateKey: false) is { } untrusted)
            {
                throw new ConfigurationException([new ConfigurationError(path, 0, null, null, untrusted)]);
            }

            options = DaemonOptionsReader.Load(path);
        }
        catch (ConfigurationException e)
        {
            foreach (var error in e.Errors)
            {
                log.Error("{Summary:l}", $"configuration refused: {error}");
                stderr.WriteLine($"alsafe: {error}");
            }

            return 1;
        }

        if (o.Has("--check-config"))
        {
            return CheckFiles(options, stderr);
        }

        // Configuration errors went to the default journal socket; from here on, to the one the configuration names.
        using var daemonLog = new LoggerConfiguration().MinimumLevel.Debug().WriteTo.JournalOrStderr(options.Log.JournalSocket).CreateLogger();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(20));
        builder.Services.AddSingleton<Serilog.ILogger>(daemonLog);
        builder.Services.AddSingleton(options);
        builder.Services.AddHostedService<AlSafeService>();
        using var host = builder.Build();
        try
        {
            await host.RunAsync().ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            daemonLog.Fatal(e, "{Summary:l}", $"alsafe stopped on an error: {e.Message}");
            stderr.WriteLine($"alsafe: {e.Message}");
            return 1;
        }
    }

    /// <summary>What a start would refuse, without starting: the files the daemon reads besides alsafe.conf.</summary>
    private static int CheckFiles(DaemonOptions options, TextWriter stderr)
    {
        var trust = new TrustedFiles(options.Node.TrustedFilesOnly);
        var errors = new List<string>();
        if (options.Edge is { } edge && options.Node.TrustedFilesOnly && TrustedFiles.Check(edge.PrivateKey, privateKey: true) is { } key)
        {
            errors.Add(key);
        }

        if (Directory.Exists(options.Node.WhitelistDirectory))
        {
            errors.AddRange(Core.Whitelist.WhitelistDirectory.Load(options.Node.WhitelistDirectory, note => errors.Add(note))
                .Select(trust.Whitelist).SelectMany(result => result.Errors).Select(error => error.ToString()));
        }
        else
        {
            errors.Add($"{options.Node.WhitelistDirectory}: no whitelist directory: every VM would be denied everything");
        }

        if (Directory.Exists(options.Node.VmsDirectory))
        {
            errors.AddRange(Core.Adaptation.VmDescriptorDirectory.Load(options.Node.VmsDirectory, trust.File)
                .SelectMany(result => result.Errors).Select(error => error.ToString()));
        }

        foreach (var error in errors)
        {
            stderr.WriteLine($"alsafe: {error}");
        }

        // Not an error of the files: a fresh node has no profile yet, and its daemon runs with every VM denied.
        if (!Directory.Exists(options.Introspection.ProfilesDirectory)
            || !Directory.EnumerateFiles(options.Introspection.ProfilesDirectory, "*.json").Any())
        {
            stderr.WriteLine($"alsafe: warning: no kernel profile in {options.Introspection.ProfilesDirectory}: " +
                             "VMs cannot be introspected and stay denied everything (alsafe profile build)");
        }

        Console.Out.WriteLine(errors.Count == 0 ? $"{options.SourcePath}: configuration, whitelists and VM descriptors are good" : $"{errors.Count} problems");
        return errors.Count == 0 ? 0 : 1;
    }
}
