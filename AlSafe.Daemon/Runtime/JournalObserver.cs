using AlSafe.Core.Adaptation;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Ports;
using AlSafe.Daemon.Logging;
using Serilog;
using Serilog.Events;

namespace AlSafe.Daemon.Runtime;

/// <summary>
/// Writes what the engine decides to the log with the daemon's structured fields (<see cref="LogFields"/>), so that
/// <c>journalctl -u alsafe ALSAFE_VM=web1</c> shows one VM's story, and tells the control API of each changed verdict.
/// Guest text (comm, paths) reaches the journal as field values and escaped message text, never as a template.
/// </summary>
internal sealed class JournalObserver(ILogger log, Action<string, Verdict> verdictChanged) : IAdaptationObserver
{
    private string? _lastError;

    /// <summary>The last error logged, for <c>alsafe status</c>.</summary>
    public string? LastError => Volatile.Read(ref _lastError);

    public void VerdictsChanged(string vm, string tenant, IReadOnlyList<Verdict> appeared, IReadOnlyList<Verdict> gone)
    {
        foreach (var verdict in appeared)
        {
            var connection = ConnectionVerdicts.Of(verdict);
            var allow = verdict.Kind == VerdictKind.Allow;
            ForSocket(vm, tenant, verdict).Write(allow ? LogEventLevel.Information : LogEventLevel.Warning,
                "{Summary:l}",
                $"VM {vm}: {(allow ? "ALLOW" : "BLOCK")} {connection.Protocol} {connection.Local} <- {connection.Remote} " +
                $"pid {connection.Pid} {connection.Process} ({Or(connection.Executable, "no executable")}): {verdict.Reason}");
            verdictChanged(vm, verdict);
        }

        foreach (var verdict in gone)
        {
            var connection = ConnectionVerdicts.Of(verdict);
            ForSocket(vm, tenant, verdict).Information("{Summary:l}",
                $"VM {vm}: gone {connection.Protocol} {connection.Local} <- {connection.Remote} pid {connection.Pid} {connection.Process}");
        }
    }

    public void SocketsDiscarded(string vm, string tenant, IReadOnlyList<DiscardedSocket> discarded)
    {
        foreach (var socket in discarded)
        {
            Vm(vm, tenant).ForContext(LogFields.Pid, socket.Process.Tgid).ForContext(LogFields.Process, socket.Process.Comm)
                .Warning("{Summary:l}", $"VM {vm}: socket of pid {socket.Process.Tgid} {socket.Process.Comm} discarded: {socket.Reason}");
        }
    }

    public void RulesEnforced(string vm, GrantSet grants, TimeSpan elapsed, IReadOnlyList<string> refusedBy)
    {
        var text = $"VM {vm}: {grants.Inbound.Count} inbound and {grants.Outbound.Count} outbound grants " +
                   $"pushed in {elapsed.TotalMilliseconds:0.0} ms";
        if (refusedBy.Count == 0)
        {
            Vm(vm, null).Information("{Summary:l}", text);
        }
        else
        {
            Error(Vm(vm, null), $"{text}; not taken by {string.Join(" and ", refusedBy)}: the previous rules stay there");
        }
    }

    public void CycleFailed(string vm, string? tenant, Exception error, int failures, TimeSpan retryIn) =>
        Error(Vm(vm, tenant), $"VM {vm}: cycle failed ({failures} in a row), its rules stay, retry in {retryIn.TotalSeconds:0.#} s: {error.Message}");

    public void PortChanged(PortEvent change)
    {
        switch (change)
        {
            case VmPortAdded added:
                Vm(added.Binding.Vm, null).Information("{Summary:l}", $"port appeared: {added.Binding}: default deny until its first introspection");
                break;
            case VmPortMoved moved:
                Vm(moved.New.Vm, null).Information("{Summary:l}", $"port moved: {moved.Old} -> {moved.New}");
                break;
            case VmPortRemoved removed:
                Vm(removed.Binding.Vm, null).Information("{Summary:l}", $"port gone: {removed.Binding}: its rules are withdrawn");
                break;
            case VmPortPending pending:
                Vm(pending.Vm, null).Information("{Summary:l}", $"port {pending.InterfaceName} has no OpenFlow number yet");
                break;
            case VmPortRefused refused:
                Error(refused.Vm is null ? log : Vm(refused.Vm, null), $"port {refused.InterfaceName} refused: {refused.Reason}");
                break;
        }
    }

    public void Note(NoteLevel level, string? vm, string message)
    {
        var target = vm is null ? log : Vm(vm, null);
        var text = vm is null ? message : $"VM {vm}: {message}";
        switch (level)
        {
            case NoteLevel.Error:
                Error(target, text);
                break;
            case NoteLevel.Warning:
                target.Warning("{Summary:l}", text);
                break;
            case NoteLevel.Information:
                target.Information("{Summary:l}", text);
                break;
            default:
                target.Debug("{Summary:l}", text);
                break;
        }
    }

    /// <summary>Logs an error and remembers it for the status.</summary>
    public void Error(ILogger target, string text)
    {
        Volatile.Write(ref _lastError, text);
        target.Error("{Summary:l}", text);
    }

    private ILogger Vm(string vm, string? tenant)
    {
        var logger = log.ForContext(LogFields.Vm, vm);
        return tenant is null ? logger : logger.ForContext(LogFields.Tenant, tenant);
    }

    private ILogger ForSocket(string vm, string tenant, Verdict verdict)
    {
        var socket = verdict.Socket;
        return Vm(vm, tenant)
            .ForContext(LogFields.Pid, verdict.Process.Tgid)
            .ForContext(LogFields.Process, verdict.Process.Comm)
            .ForContext(LogFields.Executable, verdict.Process.ExePath ?? "")
            .ForContext(LogFields.Proto, socket.Protocol.Name())
            .ForContext(LogFields.LocalAddress, socket.LocalAddress.ToString())
            .ForContext(LogFields.LocalPort, socket.LocalPort)
            .ForContext(LogFields.RemoteAddress, socket.RemoteAddress.ToString())
            .ForContext(LogFields.RemotePort, socket.RemotePort)
            .ForContext(LogFields.Verdict, verdict.Kind == VerdictKind.Allow ? "ALLOW" : "BLOCK")
            .ForContext(LogFields.WhitelistLine, verdict.Reason);
    }

    private static string Or(string value, string fallback) => value.Length == 0 ? fallback : value;
}
