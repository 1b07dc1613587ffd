using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Daemon.Cli;
using AlSafe.Daemon.Control;

namespace AlSafe.Daemon.Runtime;

/// <summary>A verdict as the operator sees it over the control API.</summary>
internal static class ConnectionVerdicts
{
    public static ConnectionVerdict Of(Verdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var socket = verdict.Socket;
        var listening = verdict.Direction == Core.Whitelist.TrafficDirection.In && socket.RemotePort == 0;
        return new ConnectionVerdict(
            (uint)verdict.Process.Tgid,
            verdict.Process.Comm,
            verdict.Process.ExePath ?? "",
            socket.Protocol.Name(),
            EndpointText.Format(socket.LocalAddress, socket.LocalPort),
            listening ? "*" : EndpointText.Format(socket.RemoteAddress, socket.RemotePort),
            verdict.Kind,
            verdict.Reason);
    }

}
