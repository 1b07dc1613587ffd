using System.Net.Sockets;
using AlSafe.Interop.OpenFlow;
using AlSafe.Interop.Ovsdb;

namespace AlSafe.Interop.Switch;

public sealed partial class SwitchFirewall
{
    /// <summary>Reconnects with backoff while the switch is away, and reconciles periodically while it is there.</summary>
    private async Task SuperviseAsync(CancellationToken stop)
    {
        var backoff = _options.ReconnectInitialBackoff;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (Volatile.Read(ref _link) is not { } link)
                {
                    if (await TryConnectAsync(stop).ConfigureAwait(false))
                    {
                        backoff = _options.ReconnectInitialBackoff;
                    }
                    else
                    {
                        await Task.Delay(backoff, stop).ConfigureAwait(false);
                        backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.ReconnectMaxBackoff.Ticks));
                    }

                    continue;
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
                var due = Task.Delay(_options.ReconcileInterval, wait.Token);
                var woke = await Task.WhenAny(link.Lost, due).ConfigureAwait(false);
                await wait.CancelAsync().ConfigureAwait(false);
                if (woke == link.Lost)
                {
                    await ForgetAsync(link, await link.Lost.ConfigureAwait(false)).ConfigureAwait(false);
                }
                else
                {
                    await MaintainAsync(stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (IsSwitchFailure(e))
            {
                // A failed periodic repair: the table is left to the next round, a dead connection to the watcher.
                Log($"periodic maintenance failed: {e.Message}");
            }
        }
    }

    /// <summary>Connects, makes the bridge secure, installs everything and reads it back. False, logged, when the switch
    /// is not there or not usable yet.</summary>
    private async Task<bool> TryConnectAsync(CancellationToken ct)
    {
        SwitchLink? link = null;
        var synchronised = false;
        try
        {
            var connection = await ConnectAsync(ct).ConfigureAwait(false);
            link = new SwitchLink(connection, WatchAsync(connection));
            // Before any flow goes in, so no early report is lost: a new OpenFlow connection gets no packet-in until it
            // asks, and a restarted switch has no meter.
            await SubscribeToReportsAsync(connection, ct).ConfigureAwait(false);
            ReconcileReport report;
            int plans;
            await _gate.WaitAsync(ct).ConfigureAwait(false);
            try
            {
                // Changing fail_mode flushes the table: it must happen before anything is installed.
                await EnsureSecureAsync(ct).ConfigureAwait(false);
                await ProtectPortsLockedAsync(_desired.Values, ct).ConfigureAwait(false);
                Volatile.Write(ref _link, link);
                await ResynchronizeLockedAsync(connection, ct).ConfigureAwait(false);
                report = await ReconcileLockedAsync(connection, ct).ConfigureAwait(false);
                plans = _desired.Count;
            }
            finally
            {
                _gate.Release();
            }

            synchronised = true;
            Log($"connected to {connection.Endpoint} ({OpenFlowNames.Version(connection.Version)}); base plan and {plans} VM plans installed, " +
                $"{report.Foreign} foreign flows left alone");
            OnResynchronized();
            return true;
        }
        catch (Exception e) when (IsSwitchFailure(e))
        {
            Log($"cannot synchronise with the switch: {e.Message}; retrying in the background");
            return false;
        }
        finally
        {
            if (!synchronised && link is not null)
            {
                await ForgetAsync(link, null).ConfigureAwait(false);
            }
        }
    }

    private Task<OpenFlowConnection> ConnectAsync(CancellationToken ct)
    {
        // Bundles are what makes every change atomic: a switch without OpenFlow 1.4 is refused at once.
        var options = new OpenFlowConnectionOptions { MinVersion = OpenFlowVersion.OpenFlow14, RequestTimeout = _options.RequestTimeout };
        return _options.ManagementSocket is { } path
            ? OpenFlowConnection.ConnectUnixAsync(path, options, ct)
            : OpenFlowConnection.ConnectTcpAsync(_options.TcpHost!, _options.TcpPort, options, ct);
    }

    /// <summary>Reads the connection's unsolicited messages until it ends (raising reports of new connections, logging
    /// errors nobody waited for) and returns why it ended.</summary>
    private async Task<string> WatchAsync(OpenFlowConnection connection)
    {
        try
        {
            await foreach (var message in connection.AsyncMessages.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (message.PacketIn is { } packetIn)
                {
                    OnPacketIn(packetIn);
                }
                else if (message.Error is { } error)
                {
                    Log($"unsolicited error from the switch: {error}");
                }
            }

            return "the connection was closed";
        }
        catch (Exception e) when (IsSwitchFailure(e))
        {
            return e.Message;
        }
    }

    /// <summary>The periodic round: fail_mode first (a change flushed the table: everything goes back), the ports'
    /// protection, then the table.</summary>
    private async Task MaintainAsync(CancellationToken stop)
    {
        var resynchronised = false;
        await _gate.WaitAsync(stop).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _link) is not { Connection: { IsConnected: true } connection })
            {
                return;
            }

            var flushed = await EnsureSecureAsync(stop).ConfigureAwait(false);
            await EnsureReportMeterAsync(connection, stop).ConfigureAwait(false);
            await ProtectPortsLockedAsync(_desired.Values, stop).ConfigureAwait(false);
            if (flushed)
            {
                await ResynchronizeLockedAsync(connection, stop).ConfigureAwait(false);
                resynchronised = true;
            }

            await ReconcileLockedAsync(connection, stop).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }

        if (resynchronised)
        {
            OnResynchronized();
        }
    }

    /// <summary>True when fail_mode had to be changed (and the switch flushed its table). A database that cannot be
    /// reached is logged, not fatal: flows installed on a bridge of unknown fail_mode still beat an empty table, and
    /// the next maintenance checks again.</summary>
    private async Task<bool> EnsureSecureAsync(CancellationToken ct)
    {
        if (_options.OvsdbEndpoint is not { } endpoint)
        {
            return false;
        }

        try
        {
            var client = await OvsdbClient.ConnectAsync(endpoint, new OvsdbClientOptions { Timeout = _options.RequestTimeout }, ct).ConfigureAwait(false);
            await using (client.ConfigureAwait(false))
            {
                return await OvsdbBridgeSettings.EnsureSecureFailModeAsync(client, _options.Bridge, _options.RequestTimeout, Log, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OvsdbException or TimeoutException or IOException or SocketException)
        {
            Log($"cannot make sure the bridge is fail_mode=secure through {endpoint}: {e.Message}");
            return false;
        }
    }

    /// <summary>Drops a connection that ended or never synchronised; what the switch holds is then unknown.</summary>
    private async Task ForgetAsync(SwitchLink link, string? reason)
    {
        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (ReferenceEquals(Volatile.Read(ref _link), link))
            {
                Volatile.Write(ref _link, null);
                _onSwitch.Clear();
            }
        }
        finally
        {
            _gate.Release();
        }

        if (reason is not null)
        {
            Log($"lost the switch ({reason}); reconnecting");
        }

        await link.Connection.DisposeAsync().ConfigureAwait(false);
        await link.Lost.ConfigureAwait(false);
    }

    private void OnResynchronized()
    {
        Interlocked.Increment(ref _resynchronizations);
        try
        {
            Resynchronized?.Invoke(this, EventArgs.Empty);
        }
        catch (Exception e)
        {
            // A subscriber's bug must not stop the firewall's own task, which is the one that raises the event.
            Log($"a {nameof(Resynchronized)} handler failed: {e}");
        }
    }

    private static bool IsSwitchFailure(Exception e) =>
        e is OpenFlowException or OvsdbException or TimeoutException or IOException or SocketException or ObjectDisposedException;
}
