using System.Net;

namespace AlSafe.TestSupport.Lab;

/// <summary>
/// What tests/lab/guest/init starts in every lab guest, so that tests name owners instead of repeating magic numbers.
/// Change both files together.
/// </summary>
public static class LabLayout
{
    public static readonly IPAddress GuestIPv4 = IPAddress.Parse("192.0.2.10");
    public static readonly IPAddress GuestIPv6 = IPAddress.Parse("fd00:a15a::10");

    /// <summary>busybox httpd; busybox binds it as a dual-stack IPv6 socket.</summary>
    public const ushort HttpdPort = 80;

    /// <summary>busybox nc -l (fed by a sleep, so the pipe keeps it open); also dual-stack IPv6.</summary>
    public const ushort NcListenPort = 7010;

    /// <summary>IPv4 listener; an in-guest client (127.0.0.1) is connected to it.</summary>
    public const ushort TcpListenPort = 7001;

    /// <summary>IPv6-only listener; an in-guest client (::1) is connected to it.</summary>
    public const ushort TcpListen6Port = 7002;

    /// <summary>Dual-stack listener; an in-guest IPv4 client (192.0.2.10) is connected, seen as ::ffff:192.0.2.10.</summary>
    public const ushort TcpListenDualPort = 7003;

    /// <summary>Unconnected IPv4 UDP socket (state 7, CLOSE); a connected UDP socket (state 1) points at it.</summary>
    public const ushort UdpBindPort = 7004;

    /// <summary>Unconnected IPv6-only UDP socket.</summary>
    public const ushort UdpBind6Port = 7005;

    /// <summary>Listener of <see cref="WorkerExecutable"/> (comm "worker").</summary>
    public const ushort WorkerPort = 7021;

    /// <summary>Listener of <see cref="TenantWorkerExecutable"/>: the same comm, another executable.</summary>
    public const ushort TenantWorkerPort = 7022;

    /// <summary>Listener of the helper running as <see cref="NonRootUid"/>.</summary>
    public const ushort NonRootPort = 7030;

    public const uint NonRootUid = 1000;
    public const string WorkerComm = "worker";
    public const string WorkerExecutable = "/usr/bin/worker";
    public const string TenantWorkerExecutable = "/opt/tenant/bin/worker";
    public const string HelperExecutable = "/bin/alsafe-guest";
    public const string HelperComm = "alsafe-guest";

    /// <summary>/proc/net state numbers (include/net/tcp_states.h); UDP uses 1 when connected and 7 when not.</summary>
    public const byte StateEstablished = 0x01;
    public const byte StateClose = 0x07;
    public const byte StateListen = 0x0A;
}
