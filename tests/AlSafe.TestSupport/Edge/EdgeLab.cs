using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AlSafe.Core.Rules.Edge;
using AlSafe.Core.Whitelist;
using AlSafe.Interop.Edge;
using AlSafe.TestSupport.Lab;
using AlSafe.TestSupport.Net;

namespace AlSafe.TestSupport.Edge;

/// <summary>
/// An edge firewall host in three network namespaces of its own: "outside" (203.0.113.1, 2001:db8:ff::1) reaches
/// "cloud" (the protected VMs 192.0.2.10, 192.0.2.11 and fd00:a15a::10, and an unprotected host 198.51.100.20) only
/// through "edge", a router with real nftables and a real sshd. sshd listens on a link to the root namespace
/// (10.255.N.2, the root side 10.255.N.1), where the node side runs. Keys (host, other host, client) live in a private directory; sshd runs with a private
/// /run (it needs /run/sshd) and <c>SetEnv SHLVL=1</c>, so root's shell skips its slow rc file on every command.
/// socat servers in "cloud" answer on tcp/80, tcp/22 and udp/53 (IPv4) and tcp/443 (IPv6); one in "outside" on
/// tcp/8443 for outbound connections. Disposal kills every process and deletes the namespaces and the directory.
/// Started with a <see cref="SwitchNetwork"/>, the edge's cloud side is a port of that switch's bridge instead
/// (<see cref="CloudSwitchPort"/>), the VMs are whatever sits on the bridge, and there is no "cloud" namespace and
/// no server in it.
/// </summary>
public sealed class EdgeLab : IAsyncDisposable
{
    public const string Reply = "alsafe-ok";

    /// <summary>The OpenFlow port of the edge's cloud side when it is on a switch's bridge.</summary>
    public const uint CloudSwitchPort = 1;

    private readonly List<Process> _servers = [];
    private readonly SwitchNetwork? _cloudSwitch;
    private Process? _sshd;

    private EdgeLab(string tag, int subnet, string directory, SwitchNetwork? cloudSwitch = null)
    {
        _cloudSwitch = cloudSwitch;
        Tag = tag;
        Directory = directory;
        EdgeAddress = IPAddress.Parse($"10.255.{subnet}.2");
        RootAddress = IPAddress.Parse($"10.255.{subnet}.1");
    }

    public static IPAddress Vm1 { get; } = IPAddress.Parse("192.0.2.10");

    public static IPAddress Vm2 { get; } = IPAddress.Parse("192.0.2.11");

    public static IPAddress Vm6 { get; } = IPAddress.Parse("fd00:a15a::10");

    /// <summary>A host in the cloud namespace outside the protected prefixes: its traffic is none of AL-SAFE's business.</summary>
    public static IPAddress Unprotected { get; } = IPAddress.Parse("198.51.100.20");

    public static IPAddress Outside4 { get; } = IPAddress.Parse("203.0.113.1");

    public static IPAddress Outside6 { get; } = IPAddress.Parse("2001:db8:ff::1");

    /// <summary>The edge's IPv4 address on the VM network: the VMs' default gateway.</summary>
    public static IPAddress CloudGateway4 { get; } = IPAddress.Parse("192.0.2.1");

    /// <summary>The edge's IPv6 address on the VM network: the VMs' default gateway.</summary>
    public static IPAddress CloudGateway6 { get; } = IPAddress.Parse("fd00:a15a::1");

    /// <summary>The cloud's VM prefixes: what every node of the lab protects.</summary>
    public static IReadOnlyList<AddressPrefix> Protected { get; } =
        [AddressPrefix.Create(IPAddress.Parse("192.0.2.0"), 24), AddressPrefix.Create(IPAddress.Parse("fd00:a15a::"), 64)];

    public string Tag { get; }

    public string Directory { get; }

    public IPAddress EdgeAddress { get; }

    public IPAddress RootAddress { get; }

    public string ClientKeyPath => Path.Combine(Directory, "client_key");

    public string KnownHostsPath => Path.Combine(Directory, "known_hosts");

    /// <summary>The SHA256 fingerprint of the edge's usual host key, as ssh-keygen -lf prints it.</summary>
    public string HostKeyFingerprint { get; private set; } = string.Empty;

    public string EdgeNamespace => $"alsafe-e-{Tag}";

    public string OutsideNamespace => $"alsafe-o-{Tag}";

    public string CloudNamespace => $"alsafe-c-{Tag}";

    private string RootLink => $"aer{Tag}";

    /// <summary>Null when the lab can run here, else why not (the caller ignores its test with it).</summary>
    public static string? Unsupported()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return "the edge lab needs root on Linux (network namespaces, nftables, sshd)";
        }

        var missing = new[] { "ip", "nft", "sshd", "ssh", "ssh-keygen", "socat", "unshare" }.Where(tool => !EdgeLabCommand.IsInstalled(tool)).ToList();
        return missing.Count == 0
            ? null
            : $"the edge lab needs {string.Join(", ", missing)} (Debian packages iproute2 nftables openssh-server openssh-client socat util-linux)";
    }

    /// <summary>Starts the lab; with <paramref name="cloudSwitch"/>, the edge's cloud side is a port of that switch's
    /// bridge, where the VMs are.</summary>
    public static async Task<EdgeLab> StartAsync(SwitchNetwork? cloudSwitch = null)
    {
        var tag = Convert.ToHexString(BitConverter.GetBytes(Random.Shared.Next())).ToLowerInvariant()[..6];
        var directory = System.IO.Directory.CreateTempSubdirectory("alsafe-edge-").FullName;
        var lab = new EdgeLab(tag, await FreeSubnetAsync().ConfigureAwait(false), directory, cloudSwitch);
        try
        {
            await lab.BuildNetworkAsync().ConfigureAwait(false);
            await lab.CreateKeysAsync().ConfigureAwait(false);
            await lab.StartSshdAsync(otherHostKey: false).ConfigureAwait(false);
            await lab.StartServersAsync().ConfigureAwait(false);
            return lab;
        }
        catch
        {
            await lab.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>A node of the lab: it protects the cloud's VM prefixes.</summary>
    public static EdgeNode Node(string name) => new(name, Protected);

    /// <summary>Options reaching the lab's edge, with its known_hosts file, and timeouts short enough for tests.</summary>
    public EdgeHostOptions Options() => new()
    {
        Host = EdgeAddress.ToString(),
        User = "root",
        PrivateKeyPath = ClientKeyPath,
        KnownHostsPath = KnownHostsPath,
        ConnectTimeout = TimeSpan.FromSeconds(3),
        CommandTimeout = TimeSpan.FromSeconds(5),
        KeepaliveInterval = TimeSpan.FromSeconds(1),
        InitialBackoff = TimeSpan.FromMilliseconds(100),
        MaxBackoff = TimeSpan.FromMilliseconds(800),
        ReconcileInterval = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Runs nft inside the edge namespace, as an administrator on the edge host would.</summary>
    public Task<string> NftAsync(params string[] arguments) =>
        EdgeLabCommand.CheckAsync("ip", ["netns", "exec", EdgeNamespace, "nft", .. arguments]);

    /// <summary>Reads the edge's table as the node's reader does, straight from nft in the edge namespace.</summary>
    public async Task<EdgeTableState> ReadTableAsync()
    {
        var (exit, output, _) = await EdgeLabCommand.RunAsync("ip", ["netns", "exec", EdgeNamespace, "nft", "-j", "list", "table", "inet", "alsafe"])
            .ConfigureAwait(false);
        return exit == 0 ? NftJsonReader.ReadTable(output) : EdgeTableState.Absent;
    }

    /// <summary>Deletes AL-SAFE's table on the edge, as a reboot would.</summary>
    public async Task DeleteTableAsync() =>
        await EdgeLabCommand.RunAsync("ip", ["netns", "exec", EdgeNamespace, "nft", "delete", "table", "inet", "alsafe"]).ConfigureAwait(false);

    /// <summary>Kills sshd and every session it serves, then starts it again, with the usual host key or another one.</summary>
    public async Task RestartSshdAsync(bool otherHostKey = false)
    {
        await StopSshdAsync().ConfigureAwait(false);
        await StartSshdAsync(otherHostKey).ConfigureAwait(false);
    }

    public async Task StopSshdAsync()
    {
        if (_sshd is not null)
        {
            await EdgeLabCommand.StopAsync(_sshd).ConfigureAwait(false);
            _sshd = null;
        }
    }

    /// <summary>Takes the root namespace's link to the edge down or up: down, the edge is unreachable.</summary>
    public Task SetEdgeLinkAsync(bool up) => EdgeLabCommand.CheckAsync("ip", "link", "set", RootLink, up ? "up" : "down");

    /// <summary>A TCP connection from outside to <paramref name="vm"/>; true when the server's reply came back.</summary>
    public Task<bool> TcpFromOutsideAsync(IPAddress vm, ushort port, ushort? sourcePort = null) =>
        ProbeAsync(OutsideNamespace, $"{Family(vm)}:{Endpoint(vm, port)},connect-timeout=1{SourcePort(sourcePort)}");

    /// <summary>A UDP datagram from outside to <paramref name="vm"/>; true when the server's reply came back. The
    /// server forks a process per datagram, so the wait for the reply is longer than for TCP (busy CI machines).</summary>
    public Task<bool> UdpFromOutsideAsync(IPAddress vm, ushort port) =>
        ProbeAsync(OutsideNamespace, $"UDP{(vm.AddressFamily == AddressFamily.InterNetwork ? "4" : "6")}:{Endpoint(vm, port)}", "ping\n", seconds: 2);

    /// <summary>A TCP connection opened by <paramref name="vm"/> from its <paramref name="sourcePort"/> to the outside server on tcp/8443.</summary>
    public Task<bool> TcpFromVmAsync(IPAddress vm, ushort sourcePort) =>
        ProbeAsync(CloudNamespace, $"TCP4:{Endpoint(Outside4, 8443)},connect-timeout=1,bind={vm}{SourcePort(sourcePort)}");

    /// <summary>The paper's way: a fresh <c>ssh ... nft -f -</c> process per transaction. Returns its exit code and stderr.</summary>
    public async Task<(int ExitCode, string Error)> FreshSshNftAsync(string transaction)
    {
        var (exit, _, error) = await EdgeLabCommand.RunAsync("ssh",
            ["-i", ClientKeyPath, "-o", $"UserKnownHostsFile={KnownHostsPath}", "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
             $"root@{EdgeAddress}", "nft", "-f", "-"], transaction).ConfigureAwait(false);
        return (exit, error);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await EdgeLabCommand.StopAsync(server).ConfigureAwait(false);
        }

        await StopSshdAsync().ConfigureAwait(false);
        foreach (var name in Namespaces)
        {
            await EdgeLabCommand.RunAsync("ip", ["netns", "del", name]).ConfigureAwait(false);
        }

        await EdgeLabCommand.RunAsync("ip", ["link", "del", RootLink]).ConfigureAwait(false);
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A process that outlived its kill may still hold a file; a stale directory under /tmp is harmless.
        }
    }

    // 10.255.N.0/30 for the link to the root namespace, N not used by any address or route here (concurrent labs).
    private static async Task<int> FreeSubnetAsync()
    {
        var used = await EdgeLabCommand.CheckAsync("ip", "-4", "-o", "addr", "show").ConfigureAwait(false)
                   + await EdgeLabCommand.CheckAsync("ip", "-4", "route", "show", "table", "all").ConfigureAwait(false);
        var start = Random.Shared.Next(1, 255);
        for (var i = 0; i < 254; i++)
        {
            var candidate = ((start + i - 1) % 254) + 1;
            if (!used.Contains($"10.255.{candidate}.", StringComparison.Ordinal))
            {
                return candidate;
            }
        }

        throw new LabException("no free 10.255.N.0/30 for the edge lab's link");
    }

    private string[] Namespaces => _cloudSwitch is null ? [OutsideNamespace, EdgeNamespace, CloudNamespace] : [OutsideNamespace, EdgeNamespace];

    private static string Family(IPAddress address) => address.AddressFamily == AddressFamily.InterNetwork ? "TCP4" : "TCP6";

    private static string Endpoint(IPAddress address, ushort port) =>
        address.AddressFamily == AddressFamily.InterNetwork ? $"{address}:{port}" : $"[{address}]:{port}";

    private static string SourcePort(ushort? port) =>
        port is { } p ? string.Create(CultureInfo.InvariantCulture, $",sourceport={p},reuseaddr") : string.Empty;

    private async Task<bool> ProbeAsync(string space, string address, string input = "", int seconds = 1)
    {
        var wait = seconds.ToString(CultureInfo.InvariantCulture);
        var (_, output, _) = await EdgeLabCommand.RunAsync("ip",
            ["netns", "exec", space, "socat", "-T", wait, "-t", wait, "-", address], input, TimeSpan.FromSeconds(10 + seconds)).ConfigureAwait(false);
        return output.Contains(Reply, StringComparison.Ordinal);
    }

    private async Task BuildNetworkAsync()
    {
        async Task Ip(params string[] arguments) => await EdgeLabCommand.CheckAsync("ip", arguments).ConfigureAwait(false);
        async Task In(string space, params string[] arguments) => await Ip(["-n", space, .. arguments]).ConfigureAwait(false);

        foreach (var space in Namespaces)
        {
            await Ip("netns", "add", space).ConfigureAwait(false);
            await In(space, "link", "set", "lo", "up").ConfigureAwait(false);
        }

        await Ip("link", "add", RootLink, "type", "veth", "peer", "name", "root", "netns", EdgeNamespace).ConfigureAwait(false);
        await Ip("addr", "add", $"{RootAddress}/30", "dev", RootLink).ConfigureAwait(false);
        await Ip("link", "set", RootLink, "up").ConfigureAwait(false);
        await In(EdgeNamespace, "addr", "add", $"{EdgeAddress}/30", "dev", "root").ConfigureAwait(false);
        await In(EdgeNamespace, "link", "set", "root", "up").ConfigureAwait(false);

        foreach (var (space, gateway4, gateway6, addresses) in new[]
                 {
                     (OutsideNamespace, "203.0.113.254", "2001:db8:ff::fe", new[] { "203.0.113.1/24", "2001:db8:ff::1/64" }),
                     (CloudNamespace, CloudGateway4.ToString(), CloudGateway6.ToString(), new[] { "192.0.2.10/24", "192.0.2.11/24", "fd00:a15a::10/64", "198.51.100.20/24" }),
                 })
        {
            var side = space == OutsideNamespace ? "outside" : "cloud";
            var cloudSwitch = space == CloudNamespace ? _cloudSwitch : null;
            if (cloudSwitch is not null)
            {
                await cloudSwitch.AddLinkAsync(EdgeNamespace, side, $"edge-{Tag}", CloudSwitchPort, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                await In(space, "link", "add", "edge", "type", "veth", "peer", "name", side, "netns", EdgeNamespace).ConfigureAwait(false);
                foreach (var address in addresses)
                {
                    await In(space, "addr", "add", address, "dev", "edge", "nodad").ConfigureAwait(false);
                }

                await In(space, "link", "set", "edge", "up").ConfigureAwait(false);
            }

            await In(EdgeNamespace, "addr", "add", $"{gateway4}/24", "dev", side).ConfigureAwait(false);
            await In(EdgeNamespace, "addr", "add", $"{gateway6}/64", "dev", side, "nodad").ConfigureAwait(false);
            await In(EdgeNamespace, "link", "set", side, "up").ConfigureAwait(false);
            if (cloudSwitch is null)
            {
                await In(space, "route", "add", "default", "via", gateway4).ConfigureAwait(false);
                await In(space, "-6", "route", "add", "default", "via", gateway6).ConfigureAwait(false);
            }
        }

        await In(EdgeNamespace, "addr", "add", "198.51.100.1/24", "dev", "cloud").ConfigureAwait(false);
        await EdgeLabCommand.CheckAsync("ip", "netns", "exec", EdgeNamespace, "sysctl", "-qw", "net.ipv4.ip_forward=1", "net.ipv6.conf.all.forwarding=1")
            .ConfigureAwait(false);
    }

    private async Task CreateKeysAsync()
    {
        foreach (var key in new[] { "host_key", "other_host_key", "client_key" })
        {
            await EdgeLabCommand.CheckAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", $"alsafe-edge-lab-{key}", "-f", Path.Combine(Directory, key))
                .ConfigureAwait(false);
        }

        File.Copy(ClientKeyPath + ".pub", Path.Combine(Directory, "authorized_keys"));
        var hostKey = File.ReadAllText(Path.Combine(Directory, "host_key.pub")).Split(' ');
        await File.WriteAllTextAsync(KnownHostsPath, $"{EdgeAddress} {hostKey[0]} {hostKey[1]}\n").ConfigureAwait(false);
        var fingerprint = await EdgeLabCommand.CheckAsync("ssh-keygen", "-l", "-E", "sha256", "-f", Path.Combine(Directory, "host_key.pub"))
            .ConfigureAwait(false);
        HostKeyFingerprint = fingerprint.Split(' ')[1];
    }

    private async Task StartSshdAsync(bool otherHostKey)
    {
        var config = Path.Combine(Directory, "sshd_config");
        await File.WriteAllLinesAsync(config,
        [
            $"ListenAddress {EdgeAddress}:22",
            $"HostKey {Path.Combine(Directory, otherHostKey ? "other_host_key" : "host_key")}",
            $"AuthorizedKeysFile {Path.Combine(Directory, "authorized_keys")}",
            $"PidFile {Path.Combine(Directory, "sshd.pid")}",
            "PermitRootLogin prohibit-password",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "StrictModes no",
            "UsePAM no",
            "PrintMotd no",
            "PrintLastLog no",
            "MaxStartups 100",
            "SetEnv SHLVL=1",
        ]).ConfigureAwait(false);
        var log = Path.Combine(Directory, "sshd.log");
        _sshd = EdgeLabCommand.Start("ip",
        [
            "netns", "exec", EdgeNamespace, "unshare", "--mount", "--propagation", "private", "sh", "-c",
            $"mount -t tmpfs tmpfs /run && mkdir /run/sshd && exec /usr/sbin/sshd -D -E {log} -f {config}",
        ]);
        for (var attempt = 0; ; attempt++)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
                await probe.ConnectAsync(new IPEndPoint(EdgeAddress, 22), deadline.Token).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException)
            {
                if (attempt >= 50 || _sshd.HasExited)
                {
                    throw new LabException($"sshd in {EdgeNamespace} does not listen on {EdgeAddress}:22: {(File.Exists(log) ? File.ReadAllText(log) : e.Message)}");
                }

                await Task.Delay(100).ConfigureAwait(false);
            }
        }
    }

    // Returns once every server's socket is bound, so that no probe races a server still starting.
    private async Task StartServersAsync()
    {
        // The UDP server reads the datagram before it answers: an answer written before socat has passed the datagram
        // on meets a closed pipe, and socat then drops the answer.
        var answer = $"EXEC:echo {Reply}";
        var servers = new[]
        {
            (CloudNamespace, "TCP4-LISTEN:80,fork,reuseaddr", answer, ":80 "),
            (CloudNamespace, "TCP4-LISTEN:22,fork,reuseaddr", answer, ":22 "),
            (CloudNamespace, "TCP6-LISTEN:443,fork,reuseaddr,ipv6only=1", answer, ":443 "),
            (CloudNamespace, "UDP4-RECVFROM:53,fork", $"SYSTEM:read line; echo {Reply}", ":53 "),
            (OutsideNamespace, "TCP4-LISTEN:8443,fork,reuseaddr", answer, ":8443 "),
        };
        servers = [.. servers.Where(server => Namespaces.Contains(server.Item1))];
        foreach (var (space, listen, command, _) in servers)
        {
            _servers.Add(EdgeLabCommand.Start("ip", ["netns", "exec", space, "socat", listen, command]));
        }

        foreach (var (space, _, _, port) in servers)
        {
            for (var attempt = 0; !(await EdgeLabCommand.CheckAsync("ip", "netns", "exec", space, "ss", "-lntuH").ConfigureAwait(false)).Contains(port, StringComparison.Ordinal); attempt++)
            {
                if (attempt >= 50)
                {
                    throw new LabException($"socat does not listen on {port.Trim()} in {space}");
                }

                await Task.Delay(100).ConfigureAwait(false);
            }
        }
    }
}
