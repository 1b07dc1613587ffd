using System.Net;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;

namespace AlSafe.Core.Adaptation.Handoff;

/// <summary>One socket of the VM's last valid connection list and its verdict, as the hand-off carries it: enough for
/// the destination's operator to see what the grants rest on, not a snapshot to decide on again.</summary>
/// <param name="Executable">The process's executable path, or null when it has none (a kernel thread).</param>
/// <param name="Reason">"file:line" for an Allow, a sentence for a Block.</param>
public sealed record HandoffConnection(
    int Pid,
    string Comm,
    string? Executable,
    uint Uid,
    SocketProtocol Protocol,
    IPAddress LocalAddress,
    ushort LocalPort,
    IPAddress RemoteAddress,
    ushort RemotePort,
    SocketState State,
    VerdictKind Verdict,
    string Reason)
{
    public static HandoffConnection Of(Verdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        var process = verdict.Process;
        var socket = verdict.Socket;
        return new HandoffConnection(process.Tgid, process.Comm, process.ExePath, process.Uid, socket.Protocol,
            socket.LocalAddress, socket.LocalPort, socket.RemoteAddress, socket.RemotePort, socket.State, verdict.Kind, verdict.Reason);
    }
}
