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
        usage: alsafe run [--config FILE]
          --config    the node's configuration (default /etc/alsafe/alsafe.conf; every key is documented in
                      alsafe.conf.example). SIGHUP re-reads the whitelists and VM descriptors.
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stderr)
    {
        var o = new OptionReader(args, ["--config"], []);
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

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(20));
        builder.Services.AddSingleton<Serilog.ILogger>(log);
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
            log.Fatal(e, "{Summary:l}", $"alsafe stopped on an error: {e.Message}");
            stderr.WriteLine($"alsafe: {e.Message}");
            return 1;
        }
    }
}
