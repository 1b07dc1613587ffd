using AlSafe.Core.Introspection;
using AlSafe.Core.Whitelist;
using AlSafe.Interop.Ovsdb;

namespace AlSafe.Daemon.Configuration;

/// <summary>Everything <c>alsafe run</c> reads from alsafe.conf, validated. <see cref="DaemonOptionsReader"/> builds it;
/// the example file documents every key.</summary>
/// <param name="SourcePath">The file it was read from, for log lines.</param>
/// <param name="Edge">Null when the file has no [edge] section: the node then enforces on its switch only.</param>
/// <param name="Migration">Null when the file has no [migration] section: VM hand-offs are then refused.</param>
public sealed record DaemonOptions(
    string SourcePath,
    NodeSettings Node,
    IntrospectionSettings Introspection,
    AdaptationSettings Adaptation,
    SwitchSettings Switch,
    EdgeSettings? Edge,
    ControlSettings Control,
    LogSettings Log,
    MigrationSettings? Migration = null);

/// <param name="Name">This node's name on the edge (EdgeNode rules) and in logs.</param>
/// <param name="TrustedFilesOnly">Refuse a config, whitelist, VM descriptor or key file that is not owned by root or
/// is writable by group or others.</param>
public sealed record NodeSettings(string Name, string VmsDirectory, string WhitelistDirectory, bool TrustedFilesOnly);

/// <param name="Live">mode = live: read without pausing; mode = pause: QMP stop/cont around the walk.</param>
public sealed record IntrospectionSettings(string ProfilesDirectory, bool Live, IntrospectionLimits Limits);

/// <param name="Period">A VM's introspection period unless its descriptor or `alsafe period` says otherwise.</param>
/// <param name="Concurrency">How many VMs are introspected and enforced at once.</param>
/// <param name="CycleDeadline">The budget of one VM's whole cycle (introspect, decide, push to both firewalls).</param>
/// <param name="WhitelistPoll">How often the whitelist and VM descriptor directories are checked for edits, besides
/// inotify (which misses edits on some file systems).</param>
public sealed record AdaptationSettings(
    TimeSpan Period,
    TimeSpan MinPeriod,
    TimeSpan MaxPeriod,
    int Concurrency,
    TimeSpan CycleDeadline,
    TimeSpan BackoffInitial,
    TimeSpan BackoffMax,
    TimeSpan WhitelistPoll);

/// <param name="ManagementSocket">The bridge's OpenFlow management socket; null when <see cref="TcpHost"/> is set.</param>
public sealed record SwitchSettings(
    string Bridge,
    string? ManagementSocket,
    string? TcpHost,
    int TcpPort,
    OvsdbEndpoint Ovsdb,
    TimeSpan RequestTimeout,
    TimeSpan ReconcileInterval);

/// <param name="KnownHosts">Exactly one of this and <see cref="HostKeyFingerprint"/> is set.</param>
public sealed record EdgeSettings(
    string Host,
    int Port,
    string User,
    string PrivateKey,
    string? KnownHosts,
    string? HostKeyFingerprint,
    IReadOnlyList<AddressPrefix> ProtectedPrefixes,
    TimeSpan ConnectTimeout,
    TimeSpan CommandTimeout,
    TimeSpan ReconcileInterval);

/// <param name="Bus">"system", "none" (no D-Bus API), or a D-Bus address (unix:path=...).</param>
public sealed record ControlSettings(string Bus);

/// <param name="Key">The file holding the key the cloud's nodes share to seal and check hand-offs (HMAC-SHA256).</param>
/// <param name="MaxAge">How long after its export a hand-off may be imported: an older one is refused as a replay.</param>
public sealed record MigrationSettings(string Key, TimeSpan MaxAge);

/// <param name="JournalSocket">journald's native socket; when it does not exist the daemon logs to stderr with
/// syslog priority prefixes (which systemd also files in the journal, without the ALSAFE_ fields).</param>
public sealed record LogSettings(string JournalSocket);
