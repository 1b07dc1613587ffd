using AlSafe.Core.Adaptation;
using AlSafe.Core.Introspection;
using AlSafe.Core.Introspection.Model;

namespace AlSafe.Tests.Adaptation;

/// <summary>
/// A guest whose introspections follow a script: the queued steps in order, then the steady step for ever. A step
/// returns a connection list, throws, or hangs until the engine cancels it. The engine reopens a guest after a failure,
/// so the same object is every channel of one VM and counts how often it was opened and closed.
/// </summary>
internal sealed class ScriptedGuest : IGuestIntrospection
{
    private static readonly GuestKernel Kernel = new("6.1.0-test", "build-id", "test profile", 0x100_0000, 0, 0xffff_8880_0000_0000, 4);

    private readonly Lock _lock = new();
    private readonly Queue<Func<CancellationToken, Task<IntrospectionSnapshot>>> _steps = new();
    private Func<CancellationToken, Task<IntrospectionSnapshot>> _steady;
    private int _introspections;
    private int _opens;
    private int _disposals;
    private int _throwOnDispose;

    public ScriptedGuest(params GuestProcess[] processes)
    {
        _steady = Returns(processes);
    }

    /// <summary>Introspections begun. For one VM, the n+1th begins only after the nth cycle is done.</summary>
    public int Introspections => Volatile.Read(ref _introspections);

    public int Opens => Volatile.Read(ref _opens);

    public int Disposals => Volatile.Read(ref _disposals);

    public ScriptedGuest Then(params GuestProcess[] processes) => Queue(Returns(processes));

    public ScriptedGuest ThenFail(string message) => Queue(Fails(message));

    public ScriptedGuest Always(params GuestProcess[] processes) => Steady(Returns(processes));

    public ScriptedGuest AlwaysFail(string message) => Steady(Fails(message));

    public ScriptedGuest AlwaysHang() => Steady(Hangs);

    /// <summary>Makes the next <paramref name="count"/> disposals throw (after counting them).</summary>
    public void ThrowOnDispose(int count) => Volatile.Write(ref _throwOnDispose, count);

    public void Opened() => Interlocked.Increment(ref _opens);

    public Task<IntrospectionSnapshot> IntrospectAsync(CancellationToken cancellationToken)
    {
        Func<CancellationToken, Task<IntrospectionSnapshot>> step;
        lock (_lock)
        {
            _introspections++;
            step = _steps.Count > 0 ? _steps.Dequeue() : _steady;
        }

        return step(cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        Interlocked.Increment(ref _disposals);
        return Interlocked.Decrement(ref _throwOnDispose) >= 0
            ? throw new IOException("the QMP socket is gone")
            : ValueTask.CompletedTask;
    }

    private ScriptedGuest Queue(Func<CancellationToken, Task<IntrospectionSnapshot>> step)
    {
        lock (_lock)
        {
            _steps.Enqueue(step);
        }

        return this;
    }

    private ScriptedGuest Steady(Func<CancellationToken, Task<IntrospectionSnapshot>> step)
    {
        lock (_lock)
        {
            _steady = step;
        }

        return this;
    }

    private static Func<CancellationToken, Task<IntrospectionSnapshot>> Returns(GuestProcess[] processes)
    {
        var snapshot = new IntrospectionSnapshot(Kernel, processes, new IntrospectionTimings(TimeSpan.FromMilliseconds(1), TimeSpan.Zero, 10), Paused: false);
        return _ => Task.FromResult(snapshot);
    }

    private static Func<CancellationToken, Task<IntrospectionSnapshot>> Fails(string message) =>
        _ => Task.FromException<IntrospectionSnapshot>(new IntrospectionException(IntrospectionFault.Unmapped, message));

    private static async Task<IntrospectionSnapshot> Hangs(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("an infinite delay ended");
    }
}
