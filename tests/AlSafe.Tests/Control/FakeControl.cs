using AlSafe.Core.Decisions;
using AlSafe.Daemon.Control;

namespace AlSafe.Tests.Control;

/// <summary>A daemon with two VMs whose answers are fixed, recording what it was asked to change.</summary>
internal sealed class FakeControl : IAlSafeControl
{
    public static readonly DaemonStatus Status = new("0.1.0", new TimeSpan(1, 2, 3, 4), 2, "whitelist web.wl:3: bad port");

    public static readonly VmSummary[] Vms =
    [
        new("web1", "acme", 5, "running", DateTimeOffset.FromUnixTimeSeconds(1_790_000_000), 3, 1),
        new("db1", "globex", 60, "starting", null, 0, 0),
    ];

    public static readonly ConnectionVerdict[] Web1 =
    [
        new(412, "nginx", "/usr/sbin/nginx", "tcp", "10.0.0.5:80", "*", VerdictKind.Allow, "web.wl:1"),
        new(977, "nc", "/usr/bin/nc.openbsd", "tcp", "10.0.0.5:40000", "203.0.113.9:4444", VerdictKind.Block,
            "no whitelist line allows it"),
    ];

    public event EventHandler<VerdictChangedEventArgs>? VerdictChanged;

    public (string Vm, uint Seconds)? LastPeriod { get; private set; }

    public int Reloads { get; private set; }

    public string? ReloadFailure { get; set; }

    public DaemonStatus GetStatus() => Status;

    public IReadOnlyList<VmSummary> ListVms() => Vms;

    public IReadOnlyList<ConnectionVerdict> GetConnections(string vm) => vm switch
    {
        "web1" => Web1,
        "db1" => [],
        _ => throw Unknown(vm),
    };

    public void Reload()
    {
        if (ReloadFailure is not null)
        {
            throw new ControlException(ControlError.Failed, ReloadFailure);
        }

        Reloads++;
    }

    public void SetPeriod(string vm, uint seconds)
    {
        if (!Vms.Any(v => v.Name == vm))
        {
            throw Unknown(vm);
        }

        LastPeriod = (vm, seconds);
    }

    /// <summary>What <see cref="ExportVmAsync"/> returns for web1.</summary>
    public const string Web1Handoff = "{\"format\": \"alsafe-handoff\"}\n";

    /// <summary>The hand-off files the daemon was given, in order.</summary>
    public List<string> Imported { get; } = [];

    public List<string> Released { get; } = [];

    public List<string> Resumed { get; } = [];

    public Task<string> ExportVmAsync(string vm) => vm switch
    {
        "web1" => Task.FromResult(Web1Handoff),
        "db1" => throw new ControlException(ControlError.Refused, "VM db1 has never been introspected successfully on this node: there is no valid state to hand off"),
        _ => throw Unknown(vm),
    };

    public Task<string> ImportVmAsync(string handoff)
    {
        if (handoff.Contains("tampered", StringComparison.Ordinal))
        {
            throw new ControlException(ControlError.Refused, "the hand-off failed its integrity check");
        }

        Imported.Add(handoff);
        return Task.FromResult("web1: imported from node-a, 1 inbound and 0 outbound grants installed on its port");
    }

    public Task ReleaseVmAsync(string vm) => Exported(vm, Released);

    public Task ResumeVmAsync(string vm) => Exported(vm, Resumed);

    public void Raise(string vm, ConnectionVerdict connection) => VerdictChanged?.Invoke(this, new VerdictChangedEventArgs(vm, connection));

    private static Task Exported(string vm, List<string> calls)
    {
        if (vm != "web1")
        {
            throw Vms.Any(v => v.Name == vm)
                ? new ControlException(ControlError.Refused, $"VM {vm} is not exported")
                : Unknown(vm);
        }

        calls.Add(vm);
        return Task.CompletedTask;
    }

    private static ControlException Unknown(string vm) => new(ControlError.UnknownVm, $"no VM named '{vm}'");
}
