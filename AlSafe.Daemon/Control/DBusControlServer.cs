using Tmds.DBus.Protocol;

namespace AlSafe.Daemon.Control;

/// <summary>
/// Exports an <see cref="IAlSafeControl"/> as <c>org.alsafe.Daemon1</c> on a bus (the system bus in production) and
/// forwards its verdict changes as the <c>VerdictChanged</c> signal. Who may call it is the bus policy's business
/// (packaging/dbus), not this class's: the bus refuses other users before a call reaches here.
/// </summary>
public sealed class DBusControlServer : IPathMethodHandler, IAsyncDisposable
{
    private readonly DBusConnection _connection;
    private readonly IAlSafeControl _control;

    private DBusControlServer(DBusConnection connection, IAlSafeControl control)
    {
        _connection = connection;
        _control = control;
    }

    string IPathMethodHandler.Path => ControlBus.ObjectPath;

    bool IPathMethodHandler.HandlesChildPaths => false;

    /// <summary>Connects to the bus, exports the object and takes the well-known name.</summary>
    /// <param name="busAddress">A D-Bus address, or null for the system bus.</param>
    /// <exception cref="ControlException">The bus cannot be reached, or the name is owned or refused by its policy.</exception>
    public static async Task<DBusControlServer> StartAsync(IAlSafeControl control, string? busAddress = null)
    {
        ArgumentNullException.ThrowIfNull(control);
        var connection = new DBusConnection(busAddress ?? DBusAddress.System ?? throw new ControlException(
            ControlError.Unavailable, "no system bus address is known"));
        var server = new DBusControlServer(connection, control);
        try
        {
            await connection.ConnectAsync().ConfigureAwait(false);
            connection.AddMethodHandler(server);
            // Exporting before taking the name means no caller can reach the name while the object is missing.
            await connection.RequestNameAsync(ControlBus.BusName, RequestNameOptions.None).ConfigureAwait(false);
        }
        catch (DBusExceptionBase e)
        {
            connection.Dispose();
            throw new ControlException(e is DBusErrorReplyException { ErrorName: "org.freedesktop.DBus.Error.AccessDenied" }
                                           ? ControlError.AccessDenied
                                           : ControlError.Unavailable,
                                       $"cannot own {ControlBus.BusName} on the bus: {e.Message}", e);
        }

        control.VerdictChanged += server.OnVerdictChanged;
        return server;
    }

    public ValueTask DisposeAsync()
    {
        _control.VerdictChanged -= OnVerdictChanged;
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }

    async ValueTask IPathMethodHandler.HandleMethodAsync(MethodContext context)
    {
        var request = context.Request;
        if (request.InterfaceAsString != ControlBus.Interface)
        {
            context.ReplyUnknownMethodError();
            return;
        }

        try
        {
            var reply = (request.MemberAsString, request.SignatureAsString) switch
            {
                ("ExportVm", "s") => ReplyString(context, await _control.ExportVmAsync(ReadString(request)).ConfigureAwait(false)),
                ("ImportVm", "s") => ReplyString(context, await _control.ImportVmAsync(ReadString(request)).ConfigureAwait(false)),
                ("ReleaseVm", "s") => await EmptyAsync(context, _control.ReleaseVmAsync(ReadString(request))).ConfigureAwait(false),
                ("ResumeVm", "s") => await EmptyAsync(context, _control.ResumeVmAsync(ReadString(request))).ConfigureAwait(false),
                ("GetStatus", "") => Reply(context, ControlBus.StatusSignature, _control.GetStatus(), ControlBus.WriteStatus),
                ("ListVms", "") => ReplyArray(context, ControlBus.VmSignature, _control.ListVms(), ControlBus.WriteVm),
                ("GetConnections", "s") => ReplyArray(context, ControlBus.ConnectionSignature,
                                                      _control.GetConnections(request.GetBodyReader().ReadString()),
                                                      ControlBus.WriteConnection),
                ("Reload", "") => Empty(context, _control.Reload),
                ("SetPeriod", "su") => SetPeriod(context, request),
                _ => null,
            };
            if (reply is null)
            {
                context.ReplyUnknownMethodError();
            }
            else
            {
                context.Reply(reply);
            }
        }
        catch (ControlException e)
        {
            context.ReplyError(ControlBus.ErrorName(e.Error), e.Message);
        }
    }

    private MessageBuffer SetPeriod(MethodContext context, Message request)
    {
        var body = request.GetBodyReader();
        var vm = body.ReadString();
        var seconds = body.ReadUInt32();
        // Checked here rather than in each IAlSafeControl so every implementation gets the same bounds and message.
        if (seconds is < ControlBus.MinPeriodSeconds or > ControlBus.MaxPeriodSeconds)
        {
            throw new ControlException(ControlError.InvalidArgument,
                $"period {seconds}s is out of range ({ControlBus.MinPeriodSeconds} to {ControlBus.MaxPeriodSeconds} seconds)");
        }

        return Empty(context, () => _control.SetPeriod(vm, seconds));
    }

    private void OnVerdictChanged(object? sender, VerdictChangedEventArgs e)
    {
        var writer = _connection.GetMessageWriter();
        try
        {
            writer.WriteSignalHeader(null, ControlBus.ObjectPath, ControlBus.Interface, ControlBus.VerdictChanged,
                                     "s" + ControlBus.ConnectionSignature);
            writer.WriteString(e.Vm);
            ControlBus.WriteConnection(ref writer, e.Connection);
            // A signal nobody can take (the connection is closing) is not worth failing the daemon's decision for.
            _connection.TrySendMessage(writer.CreateMessage());
        }
        finally
        {
            writer.Dispose();
        }
    }

    private static MessageBuffer Reply<T>(MethodContext context, string signature, T value, ControlBus.Write<T> write)
    {
        var writer = context.CreateReplyWriter(signature);
        try
        {
            write(ref writer, value);
            return writer.CreateMessage();
        }
        finally
        {
            writer.Dispose();
        }
    }

    private static MessageBuffer ReplyArray<T>(MethodContext context, string signature, IReadOnlyList<T> values, ControlBus.Write<T> write)
    {
        var writer = context.CreateReplyWriter("a" + signature);
        try
        {
            var start = writer.WriteArrayStart(DBusType.Struct);
            foreach (var value in values)
            {
                write(ref writer, value);
            }

            writer.WriteArrayEnd(start);
            return writer.CreateMessage();
        }
        finally
        {
            writer.Dispose();
        }
    }

    private static string ReadString(Message request) => request.GetBodyReader().ReadString();

    private static MessageBuffer ReplyString(MethodContext context, string value)
    {
        var writer = context.CreateReplyWriter("s");
        try
        {
            writer.WriteString(value);
            return writer.CreateMessage();
        }
        finally
        {
            writer.Dispose();
        }
    }

    private static async Task<MessageBuffer> EmptyAsync(MethodContext context, Task action)
    {
        await action.ConfigureAwait(false);
        return Empty(context, () => { });
    }

    private static MessageBuffer Empty(MethodContext context, Action action)
    {
        action();
        var writer = context.CreateReplyWriter(null);
        try
        {
            return writer.CreateMessage();
        }
        finally
        {
            writer.Dispose();
        }
    }
}
