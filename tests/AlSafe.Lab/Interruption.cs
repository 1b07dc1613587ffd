using System.Runtime.InteropServices;

namespace AlSafe.Lab;

/// <summary>
/// The token a lab run works under: cancelled by Ctrl-C, by SIGTERM, or when the run's time bound is reached, so that
/// the run stops where it is and still tears its lab down (the signals no longer end the process at once).
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly PosixSignalRegistration _terminate;
    private readonly ConsoleCancelEventHandler _onCancel;
    private int _signalled;

    public Interruption(TimeSpan bound)
    {
        _source = new CancellationTokenSource(bound);
        _onCancel = (_, e) =>
        {
            e.Cancel = true;
            Signal();
        };
        Console.CancelKeyPress += _onCancel;
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            Signal();
        });
    }

    public CancellationToken Token => _source.Token;

    /// <summary>Why the token was cancelled: a signal, or the time bound.</summary>
    public string Reason => Volatile.Read(ref _signalled) != 0 ? "interrupted" : "out of time";

    public void Dispose()
    {
        Console.CancelKeyPress -= _onCancel;
        _terminate.Dispose();
        _source.Dispose();
    }

    private void Signal()
    {
        Volatile.Write(ref _signalled, 1);
        _source.Cancel();
    }
}
