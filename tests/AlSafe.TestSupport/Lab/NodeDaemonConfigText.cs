using System.Globalization;
using System.Net;
using System.Text;
using AlSafe.Core.Whitelist;

namespace AlSafe.TestSupport.Lab;

/// <summary>The text of alsafe.conf and of a vms.d descriptor (INI, <c>key = value</c>) for a daemon running against
/// a <see cref="NodeLab"/>.</summary>
internal static class NodeDaemonConfigText
{
    /// <summary>Where the node lab's pieces are, as alsafe.conf names them.</summary>
    public sealed record Places(
        string VmsDirectory,
        string WhitelistDirectory,
        string ProfilesDirectory,
        string Bridge,
        string ManagementSocket,
        string DatabaseSocket,
        IPAddress EdgeHost,
        string EdgePrivateKey,
        string EdgeKnownHosts,
        IReadOnlyList<AddressPrefix> ProtectedPrefixes);

    public static string Daemon(NodeLabDaemonOptions options, Places places)
    {
        var text = new StringBuilder();
        text.Append("# Written by the node lab (tests/AlSafe.TestSupport/Lab/NodeLab.cs) for a daemon running against it.\n");
        Section(text, "node",
            ("name", options.NodeName),
            ("vms_dir", places.VmsDirectory),
            ("whitelist_dir", places.WhitelistDirectory),
            ("trusted_files_only", options.TrustedFilesOnly ? "true" : "false"));
        Section(text, "introspection",
            ("profiles", places.ProfilesDirectory),
            ("mode", options.IntrospectionMode),
            ("deadline", Duration(options.IntrospectionDeadline)));
        Section(text, "adaptation",
            ("period", Duration(options.Period)),
            ("min_period", Duration(options.MinPeriod)),
            ("concurrency", options.Concurrency.ToString(CultureInfo.InvariantCulture)),
            ("cycle_deadline", Duration(options.CycleDeadline)),
            ("backoff_initial", Duration(options.BackoffInitial)),
            ("backoff_max", Duration(options.BackoffMax)),
            ("whitelist_poll", Duration(options.WhitelistPoll)));
        Section(text, "switch",
            ("bridge", places.Bridge),
            ("management_socket", places.ManagementSocket),
            ("ovsdb", "unix:" + places.DatabaseSocket),
            ("reconcile_interval", Duration(options.SwitchReconcileInterval)));
        if (options.WithEdge)
        {
            Section(text, "edge",
                ("host", places.EdgeHost.ToString()),
                ("port", "22"),
                ("user", "root"),
                ("private_key", places.EdgePrivateKey),
                ("known_hosts", places.EdgeKnownHosts),
                ("protected_prefixes", string.Join(", ", places.ProtectedPrefixes)),
                ("command_timeout", Duration(options.EdgeCommandTimeout)),
                ("reconcile_interval", Duration(options.EdgeReconcileInterval)));
        }

        if (options.MigrationKey is { } key)
            Section(text, "migration", ("key", key));

        Section(text, "control", ("bus", options.BusAddress));
        if (options.JournalSocket is { } journal)
            Section(text, "log", ("journal_socket", journal));
        return text.ToString();
    }

    public static string Vm(string tenant, string memory, string layout, string qmp, IEnumerable<IPAddress> addresses)
    {
        var text = new StringBuilder();
        Section(text, "vm",
            ("tenant", tenant),
            ("memory", memory),
            ("layout", layout),
            ("qmp", qmp),
            ("addresses", string.Join(", ", addresses)));
        return text.ToString();
    }

    /// <summary>Whole seconds as "Ns", anything finer as "Nms".</summary>
    public static string Duration(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerSecond == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalSeconds}s")
            : string.Create(CultureInfo.InvariantCulture, $"{(long)span.TotalMilliseconds}ms");

    private static void Section(StringBuilder text, string name, params (string Key, string Value)[] entries)
    {
        text.Append(CultureInfo.InvariantCulture, $"\n[{name}]\n");
        foreach (var (key, value) in entries)
            text.Append(CultureInfo.InvariantCulture, $"{key} = {value}\n");
    }
}
