using AlSafe.Core.Decisions;
using Tmds.DBus.Protocol;

namespace AlSafe.Daemon.Control;

/// <summary>
/// The names and the wire format of <c>org.alsafe.Daemon1</c>, shared by the server and the client so the two cannot
/// drift apart. Timestamps travel as Unix seconds (0 for "never") and durations as whole seconds.
/// </summary>
internal static class ControlBus
{
    public const string BusName = "org.alsafe.Daemon1";
    public const string ObjectPath = "/org/alsafe/Daemon1";
    public const string Interface = "org.alsafe.Daemon1";
    public const string VerdictChanged = "VerdictChanged";
    public const string ErrorPrefix = "org.alsafe.Error.";
    public const uint MinPeriodSeconds = 1;
    public const uint MaxPeriodSeconds = 3600;

    public const string StatusSignature = "(stis)";
    public const string VmSignature = "(ssusxuu)";
    public const string ConnectionSignature = "(usssssss)";

    public delegate void Write<in T>(ref MessageWriter writer, T value);

    public delegate T Read<out T>(ref Reader reader);

    public delegate void WriteBody(ref MessageWriter writer);

    public static string ErrorName(ControlError error) => ErrorPrefix + error;

    public static void WriteStatus(ref MessageWriter w, DaemonStatus s)
    {
        w.WriteStructureStart();
        w.WriteString(s.Version);
        w.WriteUInt64((ulong)Math.Max(0, (long)s.Uptime.TotalSeconds));
        w.WriteInt32(s.VmCount);
        w.WriteString(s.LastError ?? "");
    }

    public static DaemonStatus ReadStatus(ref Reader r)
    {
        r.AlignStruct();
        var version = r.ReadString();
        var uptime = TimeSpan.FromSeconds(r.ReadUInt64());
        var count = r.ReadInt32();
        var error = r.ReadString();
        return new DaemonStatus(version, uptime, count, error.Length == 0 ? null : error);
    }

    public static void WriteVm(ref MessageWriter w, VmSummary vm)
    {
        w.WriteStructureStart();
        w.WriteString(vm.Name);
        w.WriteString(vm.Tenant);
        w.WriteUInt32(vm.PeriodSeconds);
        w.WriteString(vm.State);
        w.WriteInt64(vm.LastIntrospection?.ToUnixTimeSeconds() ?? 0);
        w.WriteUInt32(vm.Allowed);
        w.WriteUInt32(vm.Blocked);
    }

    public static VmSummary ReadVm(ref Reader r)
    {
        r.AlignStruct();
        var name = r.ReadString();
        var tenant = r.ReadString();
        var period = r.ReadUInt32();
        var state = r.ReadString();
        var last = r.ReadInt64();
        return new VmSummary(name, tenant, period, state, last == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(last),
                             r.ReadUInt32(), r.ReadUInt32());
    }

    public static void WriteConnection(ref MessageWriter w, ConnectionVerdict c)
    {
        w.WriteStructureStart();
        w.WriteUInt32(c.Pid);
        w.WriteString(c.Process);
        w.WriteString(c.Executable);
        w.WriteString(c.Protocol);
        w.WriteString(c.Local);
        w.WriteString(c.Remote);
        w.WriteString(c.Verdict == VerdictKind.Allow ? "allow" : "block");
        w.WriteString(c.Reason);
    }

    public static ConnectionVerdict ReadConnection(ref Reader r)
    {
        r.AlignStruct();
        var pid = r.ReadUInt32();
        var process = r.ReadString();
        var exe = r.ReadString();
        var proto = r.ReadString();
        var local = r.ReadString();
        var remote = r.ReadString();
        var verdict = r.ReadString() switch
        {
            "allow" => VerdictKind.Allow,
            "block" => VerdictKind.Block,
            var other => throw new InvalidDataException($"unknown verdict '{other}' on the bus"),
        };
        return new ConnectionVerdict(pid, process, exe, proto, local, remote, verdict, r.ReadString());
    }
}
