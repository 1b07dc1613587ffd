using System.Net.Sockets;
using System.Text;
using AlSafe.Core.Rules.Edge;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace AlSafe.Interop.Edge;

/// <summary>
/// One SSH connection to the edge host, kept open: each nft run is a new channel on it (about 5-20 ms here) instead of
/// a new connection (about 250 ms, most of it key exchange). A transaction is fed to <c>nft -f -</c> on standard
/// input, so the kernel applies it whole or not at all. Commands are not serialized here; <see cref="EdgeFirewall"/>
/// runs one at a time.
/// </summary>
public sealed class EdgeConnection : IDisposable
{
    private readonly SshClient _client;
    private readonly EdgeHostOptions _options;
    private readonly TaskCompletionSource<Exception> _lost = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private EdgeConnection(SshClient client, EdgeHostOptions options, string hostKey)
    {
        _client = client;
        _options = options;
        HostKey = hostKey;
        _client.ErrorOccurred += (_, e) => _lost.TrySetResult(e.Exception);
    }

    /// <summary>The key the host presented and that was checked, e.g. <c>ssh-ed25519 SHA256:...</c>.</summary>
    public string HostKey { get; }

    public bool IsConnected => Volatile.Read(ref _disposed) == 0 && !_lost.Task.IsCompleted && _client.IsConnected;

    /// <summary>Completes, with the cause, when the connection breaks or a command finds it dead.</summary>
    public Task<Exception> Lost => _lost.Task;

    /// <summary>Connects, checks the host key before anything is sent, and authenticates with the node's key.</summary>
    public static async Task<EdgeConnection> ConnectAsync(EdgeHostOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var policy = EdgeHostKeyPolicy.FromOptions(options);
        var key = LoadKey(options);
        var info = new ConnectionInfo(options.Host, options.Port, options.User, new PrivateKeyAuthenticationMethod(options.User, key))
        {
            Timeout = options.ConnectTimeout,
        };
        var algorithms = policy.Algorithms(info.HostKeyAlgorithms.Keys);
        foreach (var name in info.HostKeyAlgorithms.Keys.Where(name => !algorithms.Contains(name)).ToList())
        {
            info.HostKeyAlgorithms.Remove(name);
        }

        var client = new SshClient(info) { KeepAliveInterval = options.KeepaliveInterval };
        string? refusal = null;
        string? presented = null;
        client.HostKeyReceived += (_, e) =>
        {
            presented = $"{e.HostKeyName} SHA256:{e.FingerPrintSHA256}";
            refusal = policy.Refusal(options.Host, options.Port, e.HostKeyName, e.HostKey, e.FingerPrintSHA256);
            e.CanTrust = refusal is null;
        };
        try
        {
            await client.ConnectAsync(cancellationToken).ConfigureAwait(false);
            return new EdgeConnection(client, options, presented ?? "(none)");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            client.Dispose();
            var where = $"{options.User}@{options.Host}:{options.Port}";
            throw e switch
            {
                _ when refusal is not null => new EdgeException(EdgeFault.HostKeyRejected, refusal, e.Message, e),
                SshAuthenticationException => new EdgeException(EdgeFault.Authentication,
                    $"{where} refused the key {options.PrivateKeyPath}: {e.Message}", e.Message, e),
                SocketException or SshException or IOException or OperationCanceledException => new EdgeException(EdgeFault.Unreachable,
                    $"cannot connect to {where}: {e.Message}", e.Message, e),
                _ => new EdgeException(EdgeFault.Unreachable, $"cannot connect to {where}: {e.GetType().Name}: {e.Message}", e.Message, e),
            };
        }
        finally
        {
            key.Dispose();
        }
    }

    /// <summary>Runs one transaction with <c>nft -f -</c>; throws <see cref="EdgeFault.Refused"/> with nft's error text
    /// when nft rejects it, in which case the edge holds what it held before.</summary>
    public async Task ApplyAsync(string transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var (exit, _, error) = await RunAsync($"{_options.NftCommand} -f -", Encoding.UTF8.GetBytes(transaction), cancellationToken)
            .ConfigureAwait(false);
        if (exit != 0)
        {
            throw new EdgeException(EdgeFault.Refused, $"nft refused the transaction (exit {exit}): {OneLine(error)}", error);
        }
    }

    /// <summary>Reads table <c>inet alsafe</c> back with <c>nft -j</c>; <see cref="EdgeTableState.Absent"/> when the edge has none.</summary>
    public async Task<EdgeTableState> ReadTableAsync(CancellationToken cancellationToken)
    {
        var table = $"{NftFormatter.Family} {NftFormatter.Table}";
        var (exit, output, error) = await RunAsync($"{_options.NftCommand} -j list table {table}", null, cancellationToken).ConfigureAwait(false);
        try
        {
            if (exit == 0)
            {
                return NftJsonReader.ReadTable(output);
            }

            // nft's "no such table" text differs between versions; listing the tables tells absence from failure.
            var (listed, tables, listError) = await RunAsync($"{_options.NftCommand} -j list tables", null, cancellationToken).ConfigureAwait(false);
            if (listed == 0 && !NftJsonReader.ListsTable(tables))
            {
                return EdgeTableState.Absent;
            }

            throw new EdgeException(EdgeFault.Refused, $"nft cannot list table {table} (exit {exit}): {OneLine(error + listError)}", error + listError);
        }
        catch (FormatException e)
        {
            throw new EdgeException(EdgeFault.Protocol, e.Message, output, e);
        }
    }

    /// <summary>Reads back the node's share of the edge and writes the one transaction that repairs it (see
    /// <see cref="EdgeRepair.Compute"/>); returns what was found, empty when nothing was wrong.</summary>
    public async Task<EdgeRepair> RepairAsync(EdgeNode node, IReadOnlyCollection<EdgeElement>? elements, CancellationToken cancellationToken)
    {
        var repair = EdgeRepair.Compute(await ReadTableAsync(cancellationToken).ConfigureAwait(false), node, elements);
        if (!repair.IsEmpty)
        {
            await ApplyAsync(repair.Script, cancellationToken).ConfigureAwait(false);
        }

        return repair;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _lost.TrySetResult(new ObjectDisposedException(nameof(EdgeConnection)));
        _client.Dispose();
    }

    private static string OneLine(string text)
    {
        var line = string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return line.Length <= 400 ? line : line[..400] + "...";
    }

    private static PrivateKeyFile LoadKey(EdgeHostOptions options)
    {
        try
        {
            return new PrivateKeyFile(options.PrivateKeyPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SshException or ArgumentException)
        {
            throw new EdgeException(EdgeFault.Authentication, $"cannot use private key {options.PrivateKeyPath}: {e.Message}", e.Message, e);
        }
    }

    // A command that outlives CommandTimeout, or a connection that breaks under it, leaves the connection unusable:
    // it is marked lost so that its owner replaces it rather than queueing more work on a dead link.
    private async Task<(int Exit, string Output, string Error)> RunAsync(string command, byte[]? input, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var where = $"{_options.Host}:{_options.Port}";
        try
        {
            using var run = _client.CreateCommand(command);
            var execution = run.ExecuteAsync(cancellationToken);
            var feeding = input is null
                ? Task.CompletedTask
                : Task.Run(() =>
                {
                    using var stdin = run.CreateInputStream();
                    stdin.Write(input);
                }, CancellationToken.None);
            await Task.WhenAll(execution, feeding).WaitAsync(_options.CommandTimeout, cancellationToken).ConfigureAwait(false);
            return (run.ExitStatus ?? -1, run.Result, run.Error);
        }
        catch (Exception e) when (e is TimeoutException or SshOperationTimeoutException)
        {
            var failure = new EdgeException(EdgeFault.Timeout,
                $"'{command}' on {where} timed out (limit {_options.CommandTimeout.TotalSeconds:0.#} s): {e.Message}", e.Message, e);
            _lost.TrySetResult(failure);
            throw failure;
        }
        catch (Exception e) when (e is SshException or SocketException or IOException or ObjectDisposedException)
        {
            var failure = new EdgeException(EdgeFault.Unreachable, $"'{command}' on {where} failed: {e.Message}", e.Message, e);
            _lost.TrySetResult(failure);
            throw failure;
        }
    }
}
