using System.Diagnostics;
using System.Globalization;

namespace AlSafe.TestSupport.Net;

/// <summary>
/// One-shot socat clients inside a namespace: send a fresh token and wait, within a deadline, for it to come back
/// from an echo server. The process is always killed at the end, so no probe outlives its deadline.
/// </summary>
internal static class SocatProbe
{
    /// <summary>How long a TCP SYN may go unanswered before the connection counts as dropped.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long an answer may take once the request is out.</summary>
    public static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(2);

    public static async Task<ProbeResult> ExchangeAsync(NetNamespace ns, string address, bool connectionOriented, CancellationToken cancellationToken)
    {
        var token = NewToken();
        var start = NetCommand.StartInfo("nsenter", ns.EnterArguments("socat", ["-T", "10", "STDIO", address]), redirectInput: true);
        using var process = Process.Start(start) ?? throw new NetException($"cannot start {NetCommand.Describe(start)}");
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        string? reply = null;
        var deadlinePassed = false;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(connectionOriented ? ConnectTimeout + ReplyTimeout : ReplyTimeout);
        try
        {
            await process.StandardInput.WriteLineAsync(token.AsMemory(), deadline.Token).ConfigureAwait(false);
            await process.StandardInput.FlushAsync(deadline.Token).ConfigureAwait(false);
            reply = await process.StandardOutput.ReadLineAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            deadlinePassed = true;
        }
        catch (IOException)
        {
            // socat already gave up (refused, timed out) and closed its stdin: its stderr says why.
        }
        finally
        {
            await StopAsync(process).ConfigureAwait(false);
        }

        var detail = $"{address}: {(await error.ConfigureAwait(false)).Trim()}";
        if (reply == token)
            return new ProbeResult(ProbeOutcome.Echoed, token, address);
        if (detail.Contains("Connection refused", StringComparison.Ordinal))
            return new ProbeResult(ProbeOutcome.Refused, token, detail);
        if (detail.Contains("timed out", StringComparison.Ordinal) || (deadlinePassed && !connectionOriented))
            return new ProbeResult(ProbeOutcome.TimedOut, token, detail);
        if (deadlinePassed)
            return new ProbeResult(ProbeOutcome.NoEcho, token, detail);
        return new ProbeResult(ProbeOutcome.Failed, token, $"{detail} (reply '{reply}')");
    }

    /// <summary>Sends one datagram carrying <paramref name="payload"/> and returns once socat has sent it.</summary>
    public static async Task SendAsync(NetNamespace ns, string address, string payload, CancellationToken cancellationToken)
    {
        var start = NetCommand.StartInfo("nsenter", ns.EnterArguments("socat", ["-u", "STDIN", address]), redirectInput: true);
        using var process = Process.Start(start) ?? throw new NetException($"cannot start {NetCommand.Describe(start)}");
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(NetCommand.DefaultTimeout);
        try
        {
            await process.StandardInput.WriteLineAsync(payload.AsMemory(), deadline.Token).ConfigureAwait(false);
            process.StandardInput.Close();
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        finally
        {
            await StopAsync(process).ConfigureAwait(false);
        }

        if (process.ExitCode != 0)
            throw new NetException($"socat {address} failed (exit {process.ExitCode}): {(await error.ConfigureAwait(false)).Trim()}");
    }

    public static string NewToken() => string.Create(CultureInfo.InvariantCulture, $"alsafe-{Guid.NewGuid():n}");

    private static async Task StopAsync(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended on its own.
        }

        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
