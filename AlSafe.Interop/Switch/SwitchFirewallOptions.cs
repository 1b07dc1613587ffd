using AlSafe.Interop.Ovsdb;

namespace AlSafe.Interop.Switch;

/// <summary>Where a <see cref="SwitchFirewall"/> finds its switch, and how it rides out the switch going away.</summary>
public sealed record SwitchFirewallOptions
{
    /// <summary>The bridge's OpenFlow management socket (RUNDIR/BRIDGE.mgmt); or set <see cref="TcpHost"/> instead.</summary>
    public string? ManagementSocket { get; init; }

    /// <summary>An OpenFlow listener of the switch (ptcp:), instead of <see cref="ManagementSocket"/>.</summary>
    public string? TcpHost { get; init; }

    public int TcpPort { get; init; } = 6653;

    /// <summary>The bridge's name in the switch's database; it names the bridge in log lines too.</summary>
    public required string Bridge { get; init; }

    /// <summary>How long one OpenFlow request (a bundle step, a table dump) may wait for the switch.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The first wait before connecting again; it doubles after each failed attempt.</summary>
    public TimeSpan ReconnectInitialBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan ReconnectMaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How often the table is read back and repaired while connected, to undo what others changed;
    /// <see cref="Timeout.InfiniteTimeSpan"/> for never.</summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The switch's database. When set, the bridge is made fail_mode=secure before any flow is installed,
    /// on every (re)connection and before every periodic reconciliation, and every VM port a plan guards is marked
    /// protected (Port.protected) before its flows are installed and again at each of those times.</summary>
    public OvsdbEndpoint? OvsdbEndpoint { get; init; }

    /// <summary>How many reports of new connections per second the bridge's report meter
    /// (<c>FlowPlanner.ReportMeter</c>) lets through to the daemon, from all VMs together; the rest are dropped.</summary>
    public uint ReportRate { get; init; } = 100;

    /// <summary>How many reports the meter lets through at once after a quiet spell, beyond <see cref="ReportRate"/>.</summary>
    public uint ReportBurst { get; init; } = 50;

    /// <summary>Told one line per decision (a resynchronisation, a repair, a fail_mode or port protection change) and per
    /// error.</summary>
    public Action<string>? Log { get; init; }

    internal void Validate()
    {
        if ((ManagementSocket is null) == (TcpHost is null))
        {
            throw new ArgumentException("name the switch by exactly one of a management socket path and a TCP host");
        }

        ArgumentException.ThrowIfNullOrEmpty(Bridge);
        if (TcpHost is not null && TcpPort is < 1 or > 65535)
        {
            throw new ArgumentException($"TCP port {TcpPort} is not a port number");
        }

        if (RequestTimeout <= TimeSpan.Zero || ReconnectInitialBackoff <= TimeSpan.Zero || ReconnectMaxBackoff < ReconnectInitialBackoff)
        {
            throw new ArgumentException("the request timeout and the backoffs must be positive, the maximum backoff at least the initial one");
        }

        if (ReportRate == 0)
        {
            throw new ArgumentException("the report rate must be positive");
        }

        if (ReconcileInterval <= TimeSpan.Zero && ReconcileInterval != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("the reconcile interval must be positive or infinite");
        }
    }
}
