namespace AlSafe.TestSupport.Lab;

/// <summary>The settings <see cref="NodeLab.WriteDaemonConfig"/> writes into alsafe.conf for a daemon running
/// against the lab; the defaults suit tests (short periods and timeouts).</summary>
public sealed record NodeLabDaemonOptions
{
    /// <summary>The D-Bus address of [control] bus (a test's own dbus-daemon), or "none".</summary>
    public required string BusAddress { get; init; }

    public string NodeName { get; init; } = "lab-node";

    public bool TrustedFilesOnly { get; init; } = true;

    /// <summary>"pause" (QMP stop/cont around the walk) or "live".</summary>
    public string IntrospectionMode { get; init; } = "pause";

    public TimeSpan IntrospectionDeadline { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan MinPeriod { get; init; } = TimeSpan.FromSeconds(1);

    public int Concurrency { get; init; } = 2;

    public TimeSpan CycleDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan BackoffInitial { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan WhitelistPoll { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan SwitchReconcileInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>False leaves out [edge]: the daemon then enforces on the switch only.</summary>
    public bool WithEdge { get; init; } = true;

    public TimeSpan EdgeCommandTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan EdgeReconcileInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Also write a descriptor for each namespace VM. Its memory file is all zeros and its QMP socket does not
    /// exist, so every introspection of it fails.</summary>
    public bool IncludeNamespaceVms { get; init; }

    /// <summary>The file of [migration] key (the live-migration hand-off's shared secret, root's and 0600); null leaves
    /// out [migration].</summary>
    public string? MigrationKey { get; init; }

    /// <summary>The [log] journal_socket (a test's own journald); null leaves out [log]: the default socket, which
    /// these machines lack, so the daemon logs to stderr.</summary>
    public string? JournalSocket { get; init; }
}
