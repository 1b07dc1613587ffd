using Tmds.DBus.Protocol;

namespace AlSafe.Daemon.Control;

/// <summary>
/// Calls the daemon's <c>org.alsafe.Daemon1</c> API. Every failure comes out as a <see cref="ControlException"/> whose
/// message is one line for the operator: the daemon's own errors keep their kind, and a bus that cannot be reached or a
/// daemon that is not on it both read as <see cref="ControlError.Unavailable"/>.
/// </summary>
public sealed class DBusControlClient : IDisposable
{
    private const string FreedesktopError = "org.freedesktop.DBus.Error.";

    private readonly DBusConnection _connection;

    private DBusControlClient(DBusConnection connection) => _connection = connection;

    /// <param name="busAddress">A D-Bus address, or null for the system bus.</param>
    public static async Task<DBusControlClient> ConnectAsync(string? busAddress = null)
    {
        var address = busAddress ?? DBusAddress.System
                      ?? throw new ControlException(ControlError.Unavailable, "no system bus address is known");
        var connection = new DBusConnection(address);
        try
        {
            await connection.ConnectAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is DBusExceptionBase or IOException or System.Net.Sockets.SocketException)
        {
            connection.Dispose();
            throw new ControlException(ControlError.Unavailable, $"cannot reach the bus at {address}: {e.Message}", e);
        }

        return new DBusControlClient(connection);
    }

    public void Dispose() => _connection.Dispose();

    public Task<DaemonStatus> GetStatusAsync() =>
        CallAsync("GetStatus", null, static (ref _) => { }, static (Message m, object? _) =>
        {
            var r = m.GetBodyReader();
            return ControlBus.ReadStatus(ref r);
        });

    public Task<IReadOnlyList<VmSummary>> ListVmsAsync() =>
        CallAsync("ListVms", null, static (ref _) => { }, static (Message m, object? _) => ReadArray(m, ControlBus.ReadVm));

    public Task<IReadOnlyList<ConnectionVerdict>> GetConnectionsAsync(string vm) =>
        CallAsync("GetConnections", "s", (ref w) => w.WriteString(vm),
                  static (Message m, object? _) => ReadArray(m, ControlBus.ReadConnection));

    public Task ReloadAsync() =>
        CallAsync("Reload", null, static (ref _) => { }, static (Message _, object? _) => true);

    public Task SetPeriodAsync(string vm, uint seconds) =>
        CallAsync("SetPeriod", "su", (ref w) =>
        {
            w.WriteString(vm);
            w.WriteUInt32(seconds);
        }, static (Message _, object? _) => true);

    /// <returns>The VM's sealed hand-off file.</returns>
    public Task<string> ExportVmAsync(string vm) =>
        CallAsync("ExportVm", "s", (ref w) => w.WriteString(vm), static (Message m, object? _) => m.GetBodyReader().ReadString());

    /// <param name="handoff">The hand-off file's text.</param>
    /// <returns>The daemon's line on what it did.</returns>
    public Task<string> ImportVmAsync(string handoff) =>
        CallAsync("ImportVm", "s", (ref w) => w.WriteString(handoff), static (Message m, object? _) => m.GetBodyReader().ReadString());

    public Task ReleaseVmAsync(string vm) =>
        CallAsync("ReleaseVm", "s", (ref w) => w.WriteString(vm), static (Message _, object? _) => true);

    public Task ResumeVmAsync(string vm) =>
        CallAsync("ResumeVm", "s", (ref w) => w.WriteString(vm), static (Message _, object? _) => true);

    /// <summary>Calls <paramref name="handler"/> for each <c>VerdictChanged</c> signal until the result is disposed.</summary>
    public async Task<IDisposable> WatchVerdictsAsync(Action<VerdictChangedEventArgs> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        try
        {
            return await _connection.WatchSignalAsync(
                ControlBus.BusName, ControlBus.ObjectPath, ControlBus.Interface, ControlBus.VerdictChanged,
                static (Message m, object? _) =>
                {
                    var r = m.GetBodyReader();
                    var vm = r.ReadString();
                    return new VerdictChangedEventArgs(vm, ControlBus.ReadConnection(ref r));
                },
                (Notification<VerdictChangedEventArgs> n) =>
                {
                    // Anything but a value ends the watch (the connection closed), which the caller learns from the
                    // next call it makes.
                    if (n.HasValue)
                    {
                        handler(n.Value);
                    }
                },
                ObserverFlags.None, emitOnCapturedContext: false).ConfigureAwait(false);
        }
        catch (DBusExceptionBase e)
        {
            throw Translate(e);
        }
    }

    private async Task<T> CallAsync<T>(string member, string? signature, ControlBus.WriteBody writeBody, MessageValueReader<T> read)
    {
        MessageBuffer call;
        var writer = _connection.GetMessageWriter();
        try
        {
            writer.WriteMethodCallHeader(ControlBus.BusName, ControlBus.ObjectPath, ControlBus.Interface, member, signature);
            writeBody(ref writer);
            call = writer.CreateMessage();
        }
        finally
        {
            writer.Dispose();
        }

        try
        {
            return await _connection.CallMethodAsync(call, read).ConfigureAwait(false);
        }
        catch (DBusExceptionBase e)
        {
            throw Translate(e);
        }
    }

    private static IReadOnlyList<T> ReadArray<T>(Message message, ControlBus.Read<T> read)
    {
        var r = message.GetBodyReader();
        var end = r.ReadArrayStart(DBusType.Struct);
        var items = new List<T>();
        while (r.HasNext(end))
        {
            items.Add(read(ref r));
        }

        return items;
    }

    private static ControlException Translate(DBusExceptionBase e)
    {
        if (e is not DBusErrorReplyException reply)
        {
            return new ControlException(ControlError.Unavailable, $"lost the bus: {e.Message}", e);
        }

        if (reply.ErrorName.StartsWith(ControlBus.ErrorPrefix, StringComparison.Ordinal)
            && Enum.TryParse<ControlError>(reply.ErrorName[ControlBus.ErrorPrefix.Length..], out var error))
        {
            return new ControlException(error, reply.ErrorMessage, e);
        }

        return reply.ErrorName switch
        {
            FreedesktopError + "ServiceUnknown" or FreedesktopError + "NameHasNoOwner" =>
                new ControlException(ControlError.Unavailable, $"the AL-SAFE daemon is not on the bus ({ControlBus.BusName} has no owner)", e),
            FreedesktopError + "AccessDenied" =>
                new ControlException(ControlError.AccessDenied, $"the bus refused the call (the AL-SAFE API is for root): {reply.ErrorMessage}", e),
            _ => new ControlException(ControlError.Failed, $"{reply.ErrorName}: {reply.ErrorMessage}", e),
        };
    }
}
