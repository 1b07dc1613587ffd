using AlSafe.Core.Adaptation;
using AlSafe.Core.Configuration;
using AlSafe.Core.Introspection;
using AlSafe.Core.Profiles;
using AlSafe.Core.Whitelist;
using AlSafe.Interop.Ovsdb;

namespace AlSafe.Daemon.Configuration;

/// <summary>
/// Reads alsafe.conf (every key is documented with its default in alsafe.conf.example). Every error of the file is
/// collected, each with its line, section and key, before the file is refused: an operator fixes them in one pass.
/// Unknown sections and keys are errors, so a typo cannot leave a setting silently at its default. The file's own
/// trust (owner, mode) is the caller's to check, with <see cref="FileTrust.CheckFile"/>, before it is read.
/// </summary>
public static class DaemonOptionsReader
{
    /// <summary>Where Debian's openvswitch-switch puts a bridge's OpenFlow management socket.</summary>
    public const string ManagementSocketDirectory = "/var/run/openvswitch";

    /// <summary>The OpenFlow port of a tcp listener; only its presence matters when the management socket is used.</summary>
    public const int DefaultOpenFlowPort = 6653;

    private static readonly string[] Sections = ["node", "introspection", "adaptation", "switch", "edge", "control", "migration", "log"];
    private static readonly string[] NodeKeys = ["name", "vms_dir", "whitelist_dir", "trusted_files_only"];
    private static readonly string[] IntrospectionKeys = ["profiles", "mode", "deadline", "max_tasks", "max_fds_per_task", "max_path_depth"];

    private static readonly string[] AdaptationKeys =
        ["period", "min_period", "max_period", "concurrency", "cycle_deadline", "backoff_initial", "backoff_max", "whitelist_poll"];

    private static readonly string[] SwitchKeys = ["bridge", "management_socket", "tcp", "ovsdb", "request_timeout", "reconcile_interval"];

    private static readonly string[] EdgeKeys =
    [
        "host", "port", "user", "private_key", "known_hosts", "host_key_fingerprint", "protected_prefixes",
        "connect_timeout", "command_timeout", "reconcile_interval",
    ];

    private static readonly string[] ControlKeys = ["bus"];
    private static readonly string[] LogKeys = ["journal_socket"];
    private static readonly string[] MigrationKeys = ["key", "max_age"];

    /// <summary>The shortest timeout or interval: the files count in milliseconds at the finest.</summary>
    private static readonly TimeSpan Positive = TimeSpan.FromMilliseconds(1);

    /// <summary>The longest duration of any key: longer would be a mistake (and .NET's timers stop at 49 days).</summary>
    private static readonly TimeSpan Longest = TimeSpan.FromHours(1);

    private static readonly TimeSpan ShortestPeriod = TimeSpan.FromSeconds(1);

    /// <summary>Reads and validates the file; the node's name defaults to this host's name.</summary>
    /// <exception cref="ConfigurationException">Every error of the file (or the one reason it could not be read).</exception>
    public static DaemonOptions Load(string path) => Load(path, Environment.MachineName);

    /// <param name="hostName">The name the node takes when the file names none.</param>
    internal static DaemonOptions Load(string path, string hostName)
    {
        ArgumentNullException.ThrowIfNull(path);
        var document = new IniDocumentReader(IniParser.ParseFile(path), Sections);
        if (document.Errors.ToList().Any(error => error.Line == 0))
        {
            document.Errors.ThrowIfAny();
        }

        var node = Node(document.Section("node", NodeKeys), hostName);
        var introspection = Introspection(document.Section("introspection", IntrospectionKeys));
        var adaptation = Adaptation(document.Section("adaptation", AdaptationKeys));
        var switchSettings = Switch(document.Section("switch", SwitchKeys));
        var edge = document.Has("edge") ? Edge(document.Section("edge", EdgeKeys)) : null;
        var control = new ControlSettings(Read<string>(document.Section("control", ControlKeys), "bus", DaemonValues.Bus, "system"));
        var migration = document.Has("migration") ? Migration(document.Section("migration", MigrationKeys)) : null;
        var log = new LogSettings(Read<string>(document.Section("log", LogKeys), "journal_socket", ConfigurationValues.AbsolutePath,
            Interop.Journal.JournalSocket.DefaultPath));
        document.Errors.ThrowIfAny();
        return new DaemonOptions(path, node, introspection, adaptation, switchSettings, edge, control, log, migration);
    }

    private static NodeSettings Node(IniSectionReader section, string hostName)
    {
        string name;
        if (section.Has("name"))
        {
            name = Read<string>(section, "name", DaemonValues.NodeName, hostName);
        }
        else
        {
            name = hostName;
            if (DaemonValues.NodeName(hostName, out _) is { } error)
            {
                section.Error("name", $"is not set, and the host name cannot stand in for it: {error}");
            }
        }

        return new NodeSettings(
            name,
            section.Path("vms_dir", VmDescriptorDirectory.DefaultDirectory),
            section.Path("whitelist_dir", WhitelistDirectory.DefaultDirectory),
            section.Boolean("trusted_files_only", true));
    }

    private static IntrospectionSettings Introspection(IniSectionReader section)
    {
        var defaults = IntrospectionLimits.Default;
        var limits = new IntrospectionLimits
        {
            Deadline = section.Duration("deadline", defaults.Deadline, Positive, Longest),
            MaxTasks = section.Integer("max_tasks", defaults.MaxTasks, 1, 4_194_304),
            MaxFdsPerTask = section.Integer("max_fds_per_task", defaults.MaxFdsPerTask, 1, 1 << 24),
            MaxPathDepth = section.Integer("max_path_depth", defaults.MaxPathDepth, 1, 4096),
        };
        return new IntrospectionSettings(
            section.Path("profiles", ProfileCatalog.DefaultDirectory),
            section.OptionalChoice("mode", "pause", "live") == "live",
            limits);
    }

    private static AdaptationSettings Adaptation(IniSectionReader section)
    {
        var minPeriod = section.Duration("min_period", TimeSpan.FromSeconds(1), ShortestPeriod, Longest);
        var maxPeriod = section.Duration("max_period", TimeSpan.FromHours(1), ShortestPeriod, Longest);
        var period = section.Duration("period", TimeSpan.FromSeconds(5), ShortestPeriod, Longest);
        if (minPeriod > maxPeriod)
        {
            section.Error("min_period", $"{Format(minPeriod)} is above max_period, {Format(maxPeriod)}");
        }
        else if (period < minPeriod || period > maxPeriod)
        {
            section.Error("period", $"{Format(period)} is not from min_period to max_period ({Format(minPeriod)} to {Format(maxPeriod)})");
        }

        var backoffInitial = section.Duration("backoff_initial", TimeSpan.FromSeconds(1), Positive, Longest);
        var backoffMax = section.Duration("backoff_max", TimeSpan.FromSeconds(60), Positive, Longest);
        if (backoffMax < backoffInitial)
        {
            section.Error("backoff_max", $"{Format(backoffMax)} is below backoff_initial, {Format(backoffInitial)}");
        }

        return new AdaptationSettings(
            period,
            minPeriod,
            maxPeriod,
            section.Integer("concurrency", 2, 1, 64),
            section.Duration("cycle_deadline", TimeSpan.FromSeconds(10), Positive, Longest),
            backoffInitial,
            backoffMax,
            section.Duration("whitelist_poll", TimeSpan.FromSeconds(2), Positive, Longest));
    }

    private static SwitchSettings Switch(IniSectionReader section)
    {
        var bridge = Read<string>(section, "bridge", DaemonValues.Bridge, "br-int");
        var managementSocket = section.OptionalPath("management_socket");
        string? tcpHost = null;
        var tcpPort = DefaultOpenFlowPort;
        if (section.TryRead<(string Host, int Port)>("tcp", DaemonValues.TcpEndpoint, out var tcp))
        {
            (tcpHost, tcpPort) = tcp;
        }

        if (section.Has("management_socket") && section.Has("tcp"))
        {
            section.Error("tcp", "give at most one of management_socket and tcp: the switch is reached one way");
        }

        return new SwitchSettings(
            bridge,
            section.Has("tcp") ? null : managementSocket ?? $"{ManagementSocketDirectory}/{bridge}.mgmt",
            tcpHost,
            tcpPort,
            Read<OvsdbEndpoint>(section, "ovsdb", DaemonValues.Ovsdb, OvsdbEndpoint.Default),
            section.Duration("request_timeout", TimeSpan.FromSeconds(10), Positive, Longest),
            section.Duration("reconcile_interval", TimeSpan.FromSeconds(30), Positive, Longest));
    }

    private static EdgeSettings Edge(IniSectionReader section)
    {
        section.TryReadRequired<string>("host", ConfigurationValues.Host, out var host);
        var port = section.Integer("port", 22, 1, 65535);
        var user = Read<string>(section, "user", DaemonValues.User, "root");
        var privateKey = section.RequiredPath("private_key");
        var knownHosts = section.OptionalPath("known_hosts");
        section.TryRead<string>("host_key_fingerprint", DaemonValues.Fingerprint, out var fingerprint);
        if (section.Has("known_hosts") == section.Has("host_key_fingerprint"))
        {
            section.Error(section.Has("known_hosts") ? "host_key_fingerprint" : "known_hosts",
                "give exactly one of known_hosts and host_key_fingerprint: the edge's host key is always checked");
        }

        section.TryReadRequired<IReadOnlyList<AddressPrefix>>("protected_prefixes", Prefixes, out var prefixes);
        return new EdgeSettings(
            host ?? "",
            port,
            user,
            privateKey ?? "",
            knownHosts,
            fingerprint,
            prefixes ?? [],
            section.Duration("connect_timeout", TimeSpan.FromSeconds(10), Positive, Longest),
            section.Duration("command_timeout", TimeSpan.FromSeconds(20), Positive, Longest),
            section.Duration("reconcile_interval", TimeSpan.FromSeconds(30), Positive, Longest));
    }

    private static MigrationSettings Migration(IniSectionReader section) => new(
        section.RequiredPath("key") ?? "",
        section.Duration("max_age", TimeSpan.FromMinutes(10), ShortestPeriod, Longest));

    private static string? Prefixes(string text, out IReadOnlyList<AddressPrefix> value)
    {
        value = [];
        var error = ConfigurationValues.List(text, out var items);
        if (error is not null)
        {
            return error;
        }

        var prefixes = new List<AddressPrefix>(items.Count);
        foreach (var item in items)
        {
            error = ConfigurationValues.Prefix(item, out var prefix);
            if (error is not null)
            {
                return error;
            }

            if (prefixes.Contains(prefix))
            {
                return $"{ConfigurationValues.Quote(item)} is listed twice";
            }

            prefixes.Add(prefix);
        }

        value = prefixes;
        return null;
    }

    private static T Read<T>(IniSectionReader section, string key, ValueParser<T> parse, T defaultValue) =>
        section.TryRead(key, parse, out var value) ? value : defaultValue;

    private static string Format(TimeSpan value) => ConfigurationValues.FormatDuration(value);
}
