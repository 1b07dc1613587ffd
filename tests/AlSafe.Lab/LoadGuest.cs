using System.Globalization;
using System.Net;
using System.Text;
using AlSafe.Core.Introspection.Model;
using AlSafe.TestSupport.Synthetic;

namespace AlSafe.Lab;

/// <summary>
/// The synthetic server VM of the load benchmark, and the tenant whitelist that half allows it. Each server process
/// listens on its own port and holds one connection: accepted from a client for three in four, opened to a web
/// service for the fourth. Its program is one of <see cref="Programs"/>; the whitelist names the first half of them,
/// so about half of every guest's sockets are allowed and half blocked, and each cycle exercises both paths.
/// </summary>
internal static class LoadGuest
{
    public const int Programs = 40;

    public const int FirstServicePort = 10_000;

    public const string Tenant = "load";

    private const int FirstServerPid = 400;
    private const int KernelThreads = 30;
    private const ulong Slide2MiB = 2UL << 20;

    private static readonly IPAddress Outside = IPAddress.Parse("203.0.113.0");
    private static readonly IPAddress Clients = IPAddress.Parse("198.51.100.0");

    /// <summary>VM <paramref name="index"/> (from 1) owning <paramref name="address"/>, with
    /// <paramref name="servers"/> server processes of two sockets each besides init and its kernel threads. Guests get
    /// different KASLR slides, as real ones do.</summary>
    public static SyntheticGuest Build(int index, IPAddress address, int servers)
    {
        var builder = new SyntheticGuestBuilder().WithKaslrSlide((ulong)(index % 16) * Slide2MiB);
        builder.AddProcess(1, "systemd", 0, "/usr/lib/systemd/systemd",
            SyntheticSocket.Unix(1), SyntheticSocket.OfFamily(SyntheticSocket.AfNetlink, 2));
        builder.AddKernelThread(2, "kthreadd");
        for (var pid = 3; pid < 3 + KernelThreads; pid++)
        {
            builder.AddKernelThread(pid, string.Create(CultureInfo.InvariantCulture, $"kworker/{pid % 2}:{pid}"));
        }

        var inode = 10_000UL;
        for (var i = 0; i < servers; i++)
        {
            var program = i % Programs;
            var port = FirstServicePort + i;
            var listener = SyntheticSocket.Tcp(new(IPAddress.Any, port), new(IPAddress.Any, 0), SocketState.Listen, inode++);
            var connection = i % 4 == 3
                ? SyntheticSocket.Tcp(new(address, 40_000 + i), new(Host(Outside, i), 443), SocketState.Established, inode++)
                : SyntheticSocket.Tcp(new(address, port), new(Host(Clients, i), 32_768 + i), SocketState.Established, inode++);
            var uid = (uint)(program % 3 == 0 ? 0 : 33);
            builder.AddProcess(FirstServerPid + i, $"svc{program}", uid, Executable(program), listener, connection);
        }

        return builder.Build();
    }

    /// <summary>The tenant's whitelist for guests of <paramref name="servers"/> server processes: the first half of
    /// the programs may serve their ports and reach web services in 203.0.113.0/24.</summary>
    public static string Whitelist(int servers)
    {
        var text = new StringBuilder("# vm\tprocess\tuser\tproto\tdirection\tlocal_port\tremote\tremote_port\n");
        var lastPort = FirstServicePort + Math.Max(servers, 1) - 1;
        for (var program = 0; program < Programs / 2; program++)
        {
            text.Append(CultureInfo.InvariantCulture, $"*\t{Executable(program)}\t*\ttcp\tin\t{FirstServicePort}-{lastPort}\t*\t*\n");
            text.Append(CultureInfo.InvariantCulture, $"*\t{Executable(program)}\t*\ttcp\tout\t*\t{Outside}/24\t443\n");
        }

        return text.ToString();
    }

    private static string Executable(int program) => string.Create(CultureInfo.InvariantCulture, $"/usr/sbin/svc{program}");

    private static IPAddress Host(IPAddress network, int i)
    {
        var bytes = network.GetAddressBytes();
        bytes[3] = (byte)(1 + (i % 250));
        return new IPAddress(bytes);
    }
}
