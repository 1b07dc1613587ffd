using System.Globalization;

namespace AlSafe.TestSupport.Net;

/// <summary>
/// A named network namespace (<c>/run/netns/alsafe-ROLE-XXXXXXXX</c>) and the commands run inside it. A namespace this
/// class created is deleted on disposal together with every process still inside it; a namespace attached to
/// another owner's process (the switch's) only loses its name, and lives on while that process does.
/// </summary>
public sealed class NetNamespace : IAsyncDisposable
{
    private readonly bool _ownsProcesses;
    private readonly List<BackgroundProcess> _background = [];
    private readonly Lock _gate = new();

    private NetNamespace(string name, bool ownsProcesses)
    {
        Name = name;
        _ownsProcesses = ownsProcesses;
    }

    public string Name { get; }

    /// <summary>The bind mount that keeps the namespace alive and that <c>nsenter --net</c> enters.</summary>
    public string Path => "/run/netns/" + Name;

    /// <summary>Creates a fresh namespace with its loopback up.</summary>
    public static async Task<NetNamespace> CreateAsync(string role, CancellationToken cancellationToken)
    {
        var ns = new NetNamespace(UniqueName(role), ownsProcesses: true);
        await NetCommand.CheckAsync("ip", ["netns", "add", ns.Name], cancellationToken).ConfigureAwait(false);
        try
        {
            await ns.IpAsync(cancellationToken, "link", "set", "lo", "up").ConfigureAwait(false);
            return ns;
        }
        catch
        {
            await ns.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Names the namespace process <paramref name="pid"/> lives in. The name keeps the namespace, and the links in it,
    /// alive when that process dies, so a restarted process can be started in the same place.
    /// </summary>
    public static async Task<NetNamespace> AttachAsync(string role, int pid, CancellationToken cancellationToken)
    {
        var ns = new NetNamespace(UniqueName(role), ownsProcesses: false);
        await NetCommand.CheckAsync("ip", ["netns", "attach", ns.Name, pid.ToString(CultureInfo.InvariantCulture)], cancellationToken)
            .ConfigureAwait(false);
        return ns;
    }

    /// <summary>Runs <c>ip ARGUMENTS</c> in this namespace; a failure throws.</summary>
    public Task<string> IpAsync(CancellationToken cancellationToken, params string[] arguments) =>
        NetCommand.CheckAsync("ip", ["-n", Name, .. arguments], cancellationToken);

    /// <summary>Runs a command in this namespace; a failure throws.</summary>
    public Task<string> CheckAsync(string executable, IEnumerable<string> arguments, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null) =>
        NetCommand.CheckAsync("nsenter", EnterArguments(executable, arguments), cancellationToken, environment);

    /// <summary>Starts a long-running command in this namespace; it is killed when the namespace is disposed, if not before.</summary>
    public BackgroundProcess Start(string executable, IEnumerable<string> arguments)
    {
        var process = BackgroundProcess.Start("nsenter", EnterArguments(executable, arguments));
        lock (_gate)
            _background.Add(process);
        return process;
    }

    /// <summary>The argument list of <c>nsenter</c> that runs a command in this namespace (and only its network namespace).</summary>
    public IEnumerable<string> EnterArguments(string executable, IEnumerable<string> arguments) =>
        ["--net=" + Path, "--", executable, .. arguments];

    public async ValueTask DisposeAsync()
    {
        List<BackgroundProcess> background;
        lock (_gate)
        {
            background = [.. _background];
            _background.Clear();
        }

        foreach (var process in background)
            await process.DisposeAsync().ConfigureAwait(false);

        if (_ownsProcesses)
            await KillRemainingAsync().ConfigureAwait(false);
        await NetCommand.RunAsync("ip", ["netns", "delete", Name], NetCommand.DefaultTimeout, CancellationToken.None).ConfigureAwait(false);
    }

    public override string ToString() => Name;

    private static string UniqueName(string role) =>
        string.Create(CultureInfo.InvariantCulture, $"alsafe-{role}-{Random.Shared.Next():x8}");

    // Only processes started in this namespace can be in it (it was created here and its name is random), so every
    // pid it reports is one of ours: a forked child socat left behind, or a probe a cancelled test abandoned.
    private async Task KillRemainingAsync()
    {
        var pids = await NetCommand.RunAsync("ip", ["netns", "pids", Name], NetCommand.DefaultTimeout, CancellationToken.None).ConfigureAwait(false);
        foreach (var text in pids.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                continue;
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
                process.Kill();
                using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or OperationCanceledException)
            {
                // Gone already, or not reaped within the deadline: the namespace is deleted either way.
            }
        }
    }
}
