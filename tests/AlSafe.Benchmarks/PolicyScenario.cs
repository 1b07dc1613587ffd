using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules;
using AlSafe.Core.Rules.Switch;
using AlSafe.Core.Whitelist;

namespace AlSafe.Benchmarks;

/// <summary>
/// One busy dual-stack web VM and its tenant's whitelist, the same on every run (fixed seed), for the policy
/// benchmarks. The guest runs nginx (listeners shared by forked workers, thousands of accepted connections on IPv4
/// and IPv6), sshd, named, postgres and redis (loopback) servers, python workers connecting to a database and an API,
/// java (Kafka clients, a listener on ::), curl, chronyd and systemd-resolved over UDP, and some TIME_WAIT sockets;
/// the 1-socket guest is nginx's listener on 443. About 55-60% of the sockets are allowed. Ten lines are the ones
/// this VM needs; a longer file adds lines for other VMs, programs the guest does not run, and further remote
/// networks (never the ones the guest talks to) for the programs it does run, all mixed in file order with the ten.
/// Of 10,000 lines about 6,400 apply to this VM, some 240 of them opening nginx's 443 to a partner network.
/// </summary>
public sealed class PolicyScenario
{
    public const string Tenant = "acme";
    public const string VmName = "web1";
    public const string File = "/etc/alsafe/whitelist.d/acme.tsv";

    private const int Seed = 20261127;
    private const int FirstPid = 1000;
    private const ulong FirstInode = 40_000;

    // connect() picks from ip_local_port_range (32768-60999); the next introspection's new socket takes the last port,
    // which the generated sockets never use, so its grant is new.
    private const int EphemeralFirst = 32768;
    private const int EphemeralLast = 60998;
    private const ushort NewClientPort = 60999;

    private static readonly IPAddress V4 = IPAddress.Parse("10.0.0.10");
    private static readonly IPAddress V6 = IPAddress.Parse("fd00::10");
    private static readonly IPAddress Loopback = IPAddress.Loopback;

    private static readonly GuestProgram Nginx = new(
        "nginx", "/usr/sbin/nginx", 33, 1000, [Listener(IPAddress.Any, 443), Listener(IPAddress.Any, 80), Listener(IPAddress.IPv6Any, 443)]);

    private static readonly GuestProgram Sshd = new("sshd", "/usr/sbin/sshd", 0, 50, [Listener(IPAddress.Any, 22)]);

    private static readonly GuestProgram Named = new("named", "/usr/sbin/named", 106, 1000, [Listener(IPAddress.Any, 53), Bound(V4, 53)]);

    private static readonly GuestProgram Postgres = new("postgres", "/usr/lib/postgresql/16/bin/postgres", 113, 100, [Listener(V4, 5432)]);

    private static readonly GuestProgram Redis = new("redis-server", "/usr/bin/redis-server", 112, 10_000, [Listener(Loopback, 6379)]);

    private static readonly GuestProgram Java = new("java", "/usr/lib/jvm/java-21-openjdk-amd64/bin/java", 1001, 2000, [Listener(IPAddress.IPv6Any, 8080)]);

    private static readonly GuestProgram Python = new("python3", "/usr/bin/python3.12", 1000, 40, []);

    private static readonly GuestProgram Curl = new("curl", "/usr/bin/curl", 1000, 4, []);

    private static readonly GuestProgram Chronyd = new("chronyd", "/usr/sbin/chronyd", 105, 8, []);

    // The kernel keeps 15 bytes of "systemd-resolved" as comm.
    private static readonly GuestProgram Resolved = new("systemd-resolve", "/usr/lib/systemd/systemd-resolved", 101, 1000, []);

    /// <summary>What each new socket is, by weight (they add up to 100). The first kind is also the 1-socket guest.</summary>
    private static readonly SocketKind[] Kinds =
    [
        new(22, Nginx, r => Tcp(V4, 443, Internet4(r), Ephemeral(r))),
        new(5, Nginx, r => Tcp(V4, 80, Internet4(r), Ephemeral(r))),
        new(5, Nginx, r => Tcp(V6, 443, Internet6(r), Ephemeral(r))),
        new(12, Python, r => Tcp(V4, Ephemeral(r), Address(10, 0, 1, r.Next(1, 21)), 5432)),
        new(6, Python, r => Tcp(V4, Ephemeral(r), Address(198, 51, 100, r.Next(1, 255)), 443)),
        new(4, Python, r => Tcp(V4, Ephemeral(r), Address(198, 51, 100, r.Next(1, 255)), 8443)),
        new(3, Python, r => Tcp(V4, Ephemeral(r), Address(10, 0, 1, r.Next(1, 21)), 5432, SocketState.TimeWait)),
        new(14, Postgres, r => Tcp(V4, 5432, Address(10, 0, 0, r.Next(20, 200)), Ephemeral(r))),
        new(8, Redis, r => Tcp(Loopback, 6379, Loopback, Ephemeral(r))),
        new(10, Java, r => Tcp(V4, Ephemeral(r), Address(10, 0, 2, r.Next(1, 7)), 9092)),
        new(3, Curl, r => Tcp(V4, Ephemeral(r), Internet4(r), 443)),
        new(2, Sshd, r => Tcp(V4, 22, r.Next(2) == 0 ? Address(192, 0, 2, r.Next(1, 255)) : Internet4(r), Ephemeral(r))),
        new(2, Named, r => Tcp(V4, 53, Address(10, r.Next(256), r.Next(256), r.Next(1, 255)), Ephemeral(r))),
        new(2, Chronyd, r => Udp(V4, Ephemeral(r), Address(203, 0, 113, r.Next(1, 5)), 123)),
        new(2, Resolved, r => Udp(V4, Ephemeral(r), Address(10, 0, 0, 2), 53)),
    ];

    /// <summary>The lines the VM's allowed sockets need, covering both process forms, named VM and '*', port ranges and CIDRs.</summary>
    private static readonly string[] NeededLines =
    [
        "web1\tnginx\t*\ttcp\tin\t80\t*\t*",
        "web1\t/usr/sbin/nginx\t*\ttcp\tin\t443\t*\t*",
        "*\tsshd\t0\ttcp\tin\t22\t192.0.2.0/24\t*",
        "web1\t/usr/sbin/named\t*\tudp\tin\t53\t10.0.0.0/8\t1024-65535",
        "web1\t/usr/sbin/named\t*\ttcp\tin\t53\t10.0.0.0/8\t*",
        "web1\t/usr/bin/python3.12\t1000\ttcp\tout\t*\t10.0.1.0/24\t5432",
        "web1\t/usr/bin/python3.12\t1000\ttcp\tout\t*\t198.51.100.0/24\t443",
        "*\tchronyd\t*\tudp\tout\t*\t*\t123",
        "*\tsystemd-resolve\t*\tudp\tout\t*\t10.0.0.2\t53",
        "*\t/usr/sbin/nginx\t*\ttcp\tin\t443\t2001:db8::/32\t*",
    ];

    private static readonly string[] ClientPrograms = [Python.Exe, Java.Exe, Curl.Comm];

    private static readonly (string Process, string Protocol, string Port)[] Services =
    [
        (Nginx.Exe, "tcp", "443"),
        (Nginx.Comm, "tcp", "80"),
        (Sshd.Comm, "tcp", "22"),
        (Named.Exe, "udp", "53"),
        (Postgres.Exe, "tcp", "5432"),
    ];

    private static readonly string[] CommonPorts = ["22", "25", "53", "80", "123", "443", "3306", "5432", "6379", "8080", "8443", "9092"];

    private static readonly string[] PortRanges = ["1024-65535", "8000-8099", "30000-32767", "5000-5010"];

    // Mostly /24s, as allow-lists of customer and partner networks tend to be.
    private static readonly int[] PrefixLengths = [16, 20, 24, 24, 24, 28, 32];

    public PolicyScenario(int sockets, int lines)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sockets, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(lines, 1);
        var random = new Random(Seed);
        Vm = new VmPort(VmName, 5, MacAddress.Parse("52:54:00:00:00:10"), [V4, V6], 7, RuleCookie.ForVm(VmName));
        Processes = Guest(random, sockets);
        NextProcesses = WithNewClient(Processes);
        WhitelistFile = Encoding.UTF8.GetBytes(WhitelistText(random, lines));
        var parsed = WhitelistParser.Parse(WhitelistFile, File, Tenant);
        Whitelist = parsed.IsValid
            ? parsed.Whitelist
            : throw new InvalidOperationException($"generated whitelist refused: {parsed.Errors[0].Message} (line {parsed.Errors[0].Line})");
    }

    public VmPort Vm { get; }

    /// <summary>The connection list of one introspection.</summary>
    public IReadOnlyList<GuestProcess> Processes { get; }

    /// <summary>The next introspection's list: the same, and one new allowed connection of a python worker.</summary>
    public IReadOnlyList<GuestProcess> NextProcesses { get; }

    /// <summary>The tenant's whitelist file as it lies on disk.</summary>
    public byte[] WhitelistFile { get; }

    public TenantWhitelist Whitelist { get; }

    private static List<GuestProcess> Guest(Random random, int sockets)
    {
        var totalWeight = Kinds.Sum(kind => kind.Weight);
        var drafts = new List<ProcessDraft>();
        var open = new Dictionary<GuestProgram, ProcessDraft>();
        var listeners = new Dictionary<GuestProgram, List<SocketShape>>();
        var inode = FirstInode;
        var count = 0;
        while (count < sockets)
        {
            var kind = count == 0 ? Kinds[0] : Pick(random, totalWeight);
            if (!open.TryGetValue(kind.Program, out var draft) || draft.Children == kind.Program.Capacity)
            {
                draft = new ProcessDraft(FirstPid + drafts.Count, kind.Program);
                drafts.Add(draft);
                open[kind.Program] = draft;

                // Forked workers share their parent's listening sockets: the same inodes in every worker.
                if (!listeners.TryGetValue(kind.Program, out var shared))
                {
                    shared = [.. kind.Program.Listeners.Select(shape => shape with { Inode = inode++ })];
                    listeners.Add(kind.Program, shared);
                }

                foreach (var listener in shared.Take(sockets - count))
                {
                    draft.Add(listener);
                    count++;
                }
            }

            if (count < sockets)
            {
                draft.Add(kind.Make(random) with { Inode = inode++ });
                draft.Children++;
                count++;
            }
        }

        return [.. drafts.Select(draft => draft.ToProcess())];
    }

    private static GuestProcess[] WithNewClient(IReadOnlyList<GuestProcess> processes)
    {
        var next = processes.ToArray();
        var worker = Array.FindIndex(next, process => process.ExePath == Python.Exe);
        var socket = Tcp(V4, NewClientPort, Address(10, 0, 1, 1), 5432) with { Inode = FirstInode - 1 };
        if (worker < 0)
        {
            var draft = new ProcessDraft(FirstPid + next.Length, Python);
            draft.Add(socket);
            return [.. next, draft.ToProcess()];
        }

        var process = next[worker];
        next[worker] = process with { Sockets = [.. process.Sockets, socket.ToSocket(3 + process.Sockets.Count)] };
        return next;
    }

    private static string WhitelistText(Random random, int lines)
    {
        var seen = new HashSet<string>(NeededLines, StringComparer.Ordinal);
        var entries = new List<string>(lines);
        for (var i = 0; entries.Count < lines - NeededLines.Length; i++)
        {
            var line = OtherLine(random, i);
            if (seen.Add(line))
            {
                entries.Add(line);
            }
        }

        foreach (var line in NeededLines.Take(lines))
        {
            entries.Insert(random.Next(entries.Count + 1), line);
        }

        var text = new StringBuilder("# vm\tprocess\tuser\tproto\tdirection\tlocal_port\tremote\tremote_port\n");
        foreach (var line in entries)
        {
            text.Append(line).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>A line this VM's sockets never match, though it may name their programs and ports.</summary>
    private static string OtherLine(Random random, int index)
    {
        var roll = random.Next(100);
        if (roll < 35)
        {
            var process = random.Next(2) == 0 ? AbsentProgram(random) : random.Next(2) == 0 ? Nginx.Exe : Python.Comm;
            return GenericLine(random, index, string.Create(CultureInfo.InvariantCulture, $"web{random.Next(2, 400)}"), process);
        }

        if (roll < 65)
        {
            return GenericLine(random, index, AnyOrThisVm(random), AbsentProgram(random));
        }

        if (roll < 85)
        {
            var remotePort = random.Next(4) == 0 ? Pick(random, PortRanges) : Pick(random, CommonPorts);
            return Line(AnyOrThisVm(random), Pick(random, ClientPrograms), random.Next(2) == 0 ? "*" : "1000", "tcp", "out", "*", OtherNetwork(random, index), remotePort);
        }

        var (service, protocol, port) = Services[random.Next(Services.Length)];
        return Line(AnyOrThisVm(random), service, "*", protocol, "in", port, OtherNetwork(random, index), random.Next(2) == 0 ? "*" : "1024-65535");
    }

    private static string GenericLine(Random random, int index, string vm, string process)
    {
        var inbound = random.Next(2) == 0;
        var localPort = !inbound ? "*" : random.Next(4) == 0 ? Pick(random, PortRanges) : Pick(random, CommonPorts);
        var remote = random.Next(5) == 0 ? "*" : OtherNetwork(random, index);
        var remotePort = inbound ? "*" : Pick(random, CommonPorts);
        var uid = random.Next(2) == 0 ? "*" : random.Next(2000).ToString(CultureInfo.InvariantCulture);
        return Line(vm, process, uid, random.Next(3) == 0 ? "udp" : "tcp", inbound ? "in" : "out", localPort, remote, remotePort);
    }

    private static string Line(params string[] columns) => string.Join('\t', columns);

    private static string AnyOrThisVm(Random random) => random.Next(2) == 0 ? "*" : VmName;

    private static string AbsentProgram(Random random)
    {
        var n = random.Next(500);
        return random.Next(2) == 0
            ? string.Create(CultureInfo.InvariantCulture, $"svc{n}")
            : string.Create(CultureInfo.InvariantCulture, $"/opt/app{n}/bin/app{n}");
    }

    /// <summary>
    /// A network from 100.64.0.0/10 or fd00:1000::/32, which the guest never talks to; the line's index is in its
    /// network bits, so the /24s and /48s of different lines differ.
    /// </summary>
    private static string OtherNetwork(Random random, int index)
    {
        if (random.Next(5) == 0)
        {
            return random.Next(2) == 0
                ? string.Create(CultureInfo.InvariantCulture, $"fd00:1000:{index:x}::/48")
                : string.Create(CultureInfo.InvariantCulture, $"fd00:1000:{index:x}:{random.Next(0x10000):x}::/64");
        }

        var length = Pick(random, PrefixLengths);
        var network = ((100u << 24) | (64u << 16) | ((uint)index << 8) | (uint)random.Next(256)) & (uint.MaxValue << (32 - length));
        var prefix = new IPAddress([(byte)(network >> 24), (byte)(network >> 16), (byte)(network >> 8), (byte)network]).ToString();
        return length == 32 ? prefix : string.Create(CultureInfo.InvariantCulture, $"{prefix}/{length}");
    }

    private static SocketKind Pick(Random random, int totalWeight)
    {
        var roll = random.Next(totalWeight);
        foreach (var kind in Kinds)
        {
            roll -= kind.Weight;
            if (roll < 0)
            {
                return kind;
            }
        }

        throw new InvalidOperationException("weights changed while picking");
    }

    private static T Pick<T>(Random random, T[] choices) => choices[random.Next(choices.Length)];

    private static ushort Ephemeral(Random random) => (ushort)random.Next(EphemeralFirst, EphemeralLast + 1);

    private static IPAddress Address(int a, int b, int c, int d) => new([(byte)a, (byte)b, (byte)c, (byte)d]);

    // Clients from documentation and benchmarking ranges, never inside a network another line names.
    private static IPAddress Internet4(Random random) => random.Next(2) == 0
        ? Address(203, 0, 113, random.Next(1, 255))
        : Address(198, 18 + random.Next(2), random.Next(256), random.Next(1, 255));

    private static IPAddress Internet6(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes.AsSpan(8));
        bytes[0] = 0x20;
        bytes[1] = 0x01;
        bytes[2] = 0x0d;
        bytes[3] = 0xb8;
        bytes[4] = 0x01;
        return new IPAddress(bytes);
    }

    private static SocketShape Listener(IPAddress local, ushort port) => Tcp(local, port, Unspecified(local), 0, SocketState.Listen);

    private static SocketShape Bound(IPAddress local, ushort port) =>
        new(SocketProtocol.Udp, local, port, Unspecified(local), 0, SocketState.Close, 0);

    private static SocketShape Tcp(IPAddress local, ushort localPort, IPAddress remote, ushort remotePort, SocketState state = SocketState.Established) =>
        new(SocketProtocol.Tcp, local, localPort, remote, remotePort, state, 0);

    private static SocketShape Udp(IPAddress local, ushort localPort, IPAddress remote, ushort remotePort) =>
        new(SocketProtocol.Udp, local, localPort, remote, remotePort, SocketState.Established, 0);

    private static IPAddress Unspecified(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any;

    private sealed record GuestProgram(string Comm, string Exe, uint Uid, int Capacity, SocketShape[] Listeners);

    private sealed record SocketKind(int Weight, GuestProgram Program, Func<Random, SocketShape> Make);

    private readonly record struct SocketShape(
        SocketProtocol Protocol,
        IPAddress Local,
        ushort LocalPort,
        IPAddress Remote,
        ushort RemotePort,
        SocketState State,
        ulong Inode)
    {
        public GuestSocket ToSocket(int fd) => new(
            fd,
            Inode,
            Local.AddressFamily == AddressFamily.InterNetwork ? SocketFamily.Inet : SocketFamily.Inet6,
            Protocol,
            Local,
            LocalPort,
            Remote,
            RemotePort,
            State);
    }

    private sealed class ProcessDraft(int pid, GuestProgram program)
    {
        private readonly List<GuestSocket> _sockets = [];

        /// <summary>Connections the process holds besides its listeners.</summary>
        public int Children { get; set; }

        public void Add(SocketShape shape) => _sockets.Add(shape.ToSocket(3 + _sockets.Count));

        public GuestProcess ToProcess() =>
            new(pid, pid, 1, program.Comm, program.Uid, program.Exe, IsKernelThread: false, _sockets.ToArray(), OtherSockets: 2);
    }
}
