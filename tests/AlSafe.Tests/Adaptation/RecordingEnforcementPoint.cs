using System.Collections.Concurrent;
using AlSafe.Core.Adaptation;
using AlSafe.Core.Decisions;
using AlSafe.Core.Rules;

namespace AlSafe.Tests.Adaptation;

/// <summary>An enforcement point that writes every call into a log shared with the other points (so the order across
/// points shows) and accepts everything unless told to refuse or throw for the next calls.</summary>
internal sealed class RecordingEnforcementPoint(string name, ConcurrentQueue<PointCall> log) : IEnforcementPoint
{
    private readonly ConcurrentQueue<PointAnswer> _answers = new();

    public string Name => name;

    /// <summary>Answers the next <paramref name="count"/> EnforceAsync calls with <paramref name="answer"/>.</summary>
    public void AnswerNext(int count, PointAnswer answer)
    {
        for (var i = 0; i < count; i++)
        {
            _answers.Enqueue(answer);
        }
    }

    public Task StageAsync(GrantSet grants, CancellationToken cancellationToken)
    {
        log.Enqueue(new PointCall(name, PointCallKind.Stage, grants.Vm, grants));
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        log.Enqueue(new PointCall(name, PointCallKind.Start, null, null));
        return Task.CompletedTask;
    }

    public Task<bool> EnforceAsync(GrantSet grants, CancellationToken cancellationToken)
    {
        log.Enqueue(new PointCall(name, PointCallKind.Enforce, grants.Vm, grants));
        var answer = _answers.TryDequeue(out var next) ? next : PointAnswer.Accept;
        return answer == PointAnswer.Throw
            ? Task.FromException<bool>(new IOException($"{name} is unreachable"))
            : Task.FromResult(answer == PointAnswer.Accept);
    }

    public Task WithdrawAsync(VmPort vm, CancellationToken cancellationToken)
    {
        log.Enqueue(new PointCall(name, PointCallKind.Withdraw, vm, null));
        return Task.CompletedTask;
    }
}
