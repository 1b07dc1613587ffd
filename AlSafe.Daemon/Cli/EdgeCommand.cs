using System.Globalization;
using System.Net;
using AlSafe.Core.Rules.Edge;
using AlSafe.Core.Whitelist;
using AlSafe.Interop.Edge;

namespace AlSafe.Daemon.Cli;

/// <summary>
/// <c>alsafe edge</c>: installs AL-SAFE's table on the edge firewall host for one compute node (<c>init</c>), and shows
/// what the edge holds (<c>show</c>), over SSH with the host key checked. <c>init</c> can be run by every node, at any
/// time and as often as wanted: it repairs the shared chains to their one fixed content and the node's own sets and
/// chains, never another node's share, and it leaves the node's elements to the node's daemon.
/// </summary>
public static class EdgeCommand
{
    public const string Usage = """
        usage: alsafe edge init --host H [--port P] [--user U] --key FILE (--known-hosts FILE | --fingerprint SHA256:...)
                                --node NAME --protect PREFIX[,PREFIX...]
               alsafe edge show --host H [--port P] [--user U] --key FILE (--known-hosts FILE | --fingerprint SHA256:...)
                                [--node NAME]
          init           install or repair table inet alsafe and the node's sets and chains on the edge
          show           list the nodes on the edge; with --node, that node's protected prefixes and elements
          --host/--port  the edge's SSH server (port 22 by default); --user the account running nft (root by default)
          --key          the node's private key (OpenSSH format, no passphrase)
          --known-hosts  a known_hosts file listing the edge's host key, or --fingerprint its pinned SHA256 fingerprint
          --node         the compute node's name (letters, digits, '_', '-'; at most 32): it names the node's sets
          --protect      the cloud's VM prefixes: traffic to or from them that no element allows is dropped
        """;

    private static readonly string[] Valued = ["--host", "--port", "--user", "--key", "--known-hosts", "--fingerprint", "--node", "--protect"];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        if (args.Count == 0 || args[0] is not ("init" or "show"))
        {
            throw new UsageException(args.Count == 0 ? $"edge needs init or show\n{Usage}" : $"unknown edge command '{args[0]}'\n{Usage}");
        }

        var o = new OptionReader([.. args.Skip(1)], Valued, []);
        if (o.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument '{o.Positional[0]}'\n{Usage}");
        }

        var options = HostOptions(o);
        if (args[0] == "show" && o.Has("--protect"))
        {
            throw new UsageException("--protect belongs to edge init");
        }

        if (o.Value("--node") is { } named && !EdgeNode.IsValidName(named))
        {
            throw new UsageException($"--node '{named}' must be 1 to {EdgeNode.MaxNameLength} letters, digits, '_' or '-', starting with a letter or digit");
        }

        var node = args[0] == "init" ? Node(o.Required("--node"), o.Required("--protect")) : null;
        try
        {
            if (node is not null)
            {
                using var connection = await EdgeConnection.ConnectAsync(options, CancellationToken.None).ConfigureAwait(false);
                var repair = await connection.RepairAsync(node, null, CancellationToken.None).ConfigureAwait(false);
                foreach (var finding in repair.Findings)
                {
                    stdout.WriteLine($"repaired: {finding}");
                }

                stdout.WriteLine($"edge {options.Host}: table {NftFormatter.Family} {NftFormatter.Table} is ready for node {node.Name} " +
                                 $"(host key {connection.HostKey}; {(repair.IsEmpty ? "nothing to repair" : $"{repair.Findings.Count} repaired")})");
                return 0;
            }

            using (var connection = await EdgeConnection.ConnectAsync(options, CancellationToken.None).ConfigureAwait(false))
            {
                Show(await connection.ReadTableAsync(CancellationToken.None).ConfigureAwait(false), options.Host, o.Value("--node"), stdout);
            }

            return 0;
        }
        catch (EdgeException e)
        {
            stderr.WriteLine($"alsafe: edge {options.Host}: {e.Message}");
            return 1;
        }
    }

    private static EdgeHostOptions HostOptions(OptionReader o)
    {
        if (o.Has("--known-hosts") == o.Has("--fingerprint"))
        {
            throw new UsageException("give exactly one of --known-hosts FILE and --fingerprint SHA256:...: the edge's host key is always checked");
        }

        var options = new EdgeHostOptions
        {
            Host = o.Required("--host"),
            Port = o.Int("--port", 22, 1, 65535),
            User = o.Value("--user") ?? "root",
            PrivateKeyPath = o.Required("--key"),
            KnownHostsPath = o.Value("--known-hosts"),
            HostKeyFingerprint = o.Value("--fingerprint"),
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        return options;
    }

    private static EdgeNode Node(string name, string prefixes) => new(name, prefixes.Split(',').Select(Prefix));

    private static AddressPrefix Prefix(string text)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && IPAddress.TryParse(text[..slash], out var network) && !text.Contains('%', StringComparison.Ordinal)
            && int.TryParse(text[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
        {
            try
            {
                return AddressPrefix.Create(network, length);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--protect: {text}: {e.Message}");
            }
        }

        throw new UsageException($"--protect: '{text}' is not a prefix such as 192.0.2.0/24 or fd00:a15a::/64");
    }

    private static void Show(EdgeTableState table, string host, string? only, TextWriter stdout)
    {
        if (!table.Exists)
        {
            stdout.WriteLine($"# edge {host}: no table {NftFormatter.Family} {NftFormatter.Table} (alsafe edge init installs it)");
            return;
        }

        var nodes = (table.Chains.GetValueOrDefault(EdgeLayout.NodesChain)?.Rules ?? [])
            .Select(rule => rule.PlainJumpTarget)
            .OfType<string>()
            .Where(target => target.StartsWith("allow_", StringComparison.Ordinal))
            .Select(target => target["allow_".Length..])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        stdout.WriteLine($"# edge {host}: table {NftFormatter.Family} {NftFormatter.Table}, nodes: {(nodes.Count == 0 ? "none" : string.Join(", ", nodes))}");
        foreach (var name in only is null ? nodes : [only])
        {
            var sets = EdgeNode.SetNamesOf(name).Select(table.Sets.GetValueOrDefault).OfType<EdgeSetState>().ToList();
            var protectedPrefixes = sets.Where(set => set.Name.StartsWith("prot", StringComparison.Ordinal)).SelectMany(set => set.Prefixes);
            var elements = sets.SelectMany(set => set.Elements.Select(element => (set.Name, Element: element))).ToList();
            stdout.WriteLine($"# node {name}: {elements.Count} elements ({string.Join(", ", sets.Where(set => !set.Name.StartsWith("prot", StringComparison.Ordinal)).Select(set => $"{set.Name} {set.Count}"))}); " +
                             $"protects {string.Join(", ", protectedPrefixes)}");
            if (only is null)
            {
                continue;
            }

            foreach (var (set, element) in elements)
            {
                stdout.WriteLine($"add element {NftFormatter.Family} {NftFormatter.Table} {set} {{ {NftFormatter.Element(element)} }}");
            }

            foreach (var set in sets.Where(set => set.Unreadable.Count > 0))
            {
                stdout.WriteLine($"# {set.Name}: {set.Unreadable.Count} unreadable elements, e.g. {set.Unreadable[0]}");
            }
        }
    }
}
