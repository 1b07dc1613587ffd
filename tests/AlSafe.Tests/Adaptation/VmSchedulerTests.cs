using AlSafe.Core.Adaptation;
using NUnit.Framework;

namespace AlSafe.Tests.Adaptation;

/// <summary>Due times here are either long past (negative), so due at once, or an hour away, so never due in a test.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class VmSchedulerTests
{
    private static readonly TimeSpan Past = TimeSpan.FromSeconds(-1);
    private static readonly TimeSpan Later = TimeSpan.FromHours(1);

    /// <summary>Long enough for anything due to be handed out: a correct scheduler answers at once.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>How long to wait before concluding that nothing is due.</summary>
    private static readonly TimeSpan Glance = TimeSpan.FromMilliseconds(50);

    private VmScheduler _scheduler = null!;

    [SetUp]
    public void NewScheduler() => _scheduler = new VmScheduler(TimeProvider.System);

    [Test]
    public async Task HandsOutTheEarliestDueVmFirstAndNothingBeforeItIsDue(CancellationToken cancellationToken)
    {
        _scheduler.Schedule("later", Later);
        _scheduler.Schedule("second", TimeSpan.Zero);
        _scheduler.Schedule("first", Past);

        Assert.That(await _scheduler.NextAsync(Patience, cancellationToken), Is.EqualTo("first"));
        Assert.That(await _scheduler.NextAsync(Patience, cancellationToken), Is.EqualTo("second"));
        Assert.That(await _scheduler.NextAsync(Glance, cancellationToken), Is.Null);
    }

    [Test]
    public async Task ARunningVmIsNeverHandedOutTwice(CancellationToken cancellationToken)
    {
        _scheduler.Schedule("web1", Past);
        Assert.That(await _scheduler.NextAsync(Patience, cancellationToken), Is.EqualTo("web1"));

        _scheduler.Schedule("web1", Past);
        _scheduler.Advance("web1", Past);
        var handedOut = await Task.WhenAll(_scheduler.NextAsync(Glance, cancellationToken), _scheduler.NextAsync(Glance, cancellationToken));

        Assert.That(handedOut, Is.All.Null);
    }

    [Test]
    public async Task TwoWorkersNeverGetTheSameVm(CancellationToken cancellationToken)
    {
        _scheduler.Schedule("web1", Past);

        var handedOut = await Task.WhenAll(_scheduler.NextAsync(Glance, cancellationToken), _scheduler.NextAsync(Glance, cancellationToken));

        Assert.That(handedOut.Count(vm => vm == "web1"), Is.EqualTo(1));
        Assert.That(handedOut.Count(vm => vm is null), Is.EqualTo(1));
    }

    [Test]
    public async Task AdvanceWhileRunningMakesTheNextCycleFollowAtOnce(CancellationToken cancellationToken)
    {
        _scheduler.Schedule("web1", Past);
        Assert.That(await _scheduler.NextAsync(Patience, cancellationToken), Is.EqualTo("web1"));

        _scheduler.Advance("web1", _scheduler.Now);
        _scheduler.Done("web1", Later);

        Assert.That(await _scheduler.NextAsync(Patience, cancellationToken), Is.EqualTo("web1"));
    }

    [Test]
    public async Task ADoneVmIsDueAgainAtItsNextTime(CancellationToken cancellationToken)
    {
        _scheduler.Schedule("web1", Past);
        Assert.That(await _scheduler.NextAsync(Patience, cancellationToken), Is.EqualTo("web1"));

        _scheduler.Done("web1", Later);
        Assert.That(await _scheduler.NextAsync(Glance, cancellationToken), Is.Null);

        _scheduler.Advance("web1", Past);
        Assert.That(await _scheduler.NextAsync(Patience, cancellationToken), Is.EqualTo("web1"));
    }

    [Test]
    public async Task AdvanceNeverPutsACycleOffButScheduleDoes(CancellationToken cancellationToken)
    {
        _scheduler.Schedule("web1", Past);
        _scheduler.Advance("web1", Later);
        Assert.That(await _scheduler.NextAsync(Patience, cancellationToken), Is.EqualTo("web1"));
        _scheduler.Done("web1", Past);

        _scheduler.Schedule("web1", Later);
        Assert.That(await _scheduler.NextAsync(Glance, cancellationToken), Is.Null);
    }

    [Test]
    public async Task AWaitingWorkerWakesForAVmScheduledMeanwhile(CancellationToken cancellationToken)
    {
        _scheduler.Schedule("web1", Later);
        var next = _scheduler.NextAsync(Patience, cancellationToken);

        _scheduler.Advance("web1", _scheduler.Now);

        Assert.That(await next, Is.EqualTo("web1"));
    }

    [Test]
    public async Task ARemovedVmIsNotHandedOutAgain(CancellationToken cancellationToken)
    {
        _scheduler.Schedule("running", Past);
        Assert.That(await _scheduler.NextAsync(Patience, cancellationToken), Is.EqualTo("running"));
        _scheduler.Schedule("idle", Past);

        _scheduler.Remove("idle");
        _scheduler.Remove("running");
        _scheduler.Done("running", Past);
        _scheduler.Advance("idle", Past);

        Assert.That(await _scheduler.NextAsync(Glance, cancellationToken), Is.Null);
    }

    [Test]
    public async Task AVmScheduledAgainAfterItsRemovalIsHandedOutOnce(CancellationToken cancellationToken)
    {
        _scheduler.Schedule("web1", Past);
        _scheduler.Remove("web1");

        _scheduler.Schedule("web1", Past);

        Assert.That(await _scheduler.NextAsync(Patience, cancellationToken), Is.EqualTo("web1"));
        Assert.That(await _scheduler.NextAsync(Glance, cancellationToken), Is.Null);
    }

    [Test]
    public async Task AVmScheduledAgainAfterItsRemovalKeepsItsNewDueTime(CancellationToken cancellationToken)
    {
        _scheduler.Schedule("web1", Past);
        _scheduler.Remove("web1");

        _scheduler.Schedule("web1", Later);

        Assert.That(await _scheduler.NextAsync(Glance, cancellationToken), Is.Null);
    }
}
