using AlSafe.Core.Introspection;
using NUnit.Framework;

namespace AlSafe.Tests.Introspection;

public sealed class DeadlineTests
{
    [Test]
    public void AHugeBudgetDoesNotOverflowIntoAnExpiredDeadline() =>
        Assert.That(() => Deadline.After(TimeSpan.MaxValue).Check("testing"), Throws.Nothing);

    [Test]
    public void ANonPositiveBudgetIsRefused()
    {
        Assert.That(() => Deadline.After(TimeSpan.Zero), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => Deadline.After(Timeout.InfiniteTimeSpan), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void AnExpiredDeadlineSaysWhereItExpired()
    {
        var deadline = Deadline.After(TimeSpan.FromTicks(1));
        Thread.Sleep(5);

        Assert.That(
            () => deadline.Check("walking the task list"),
            Throws.InstanceOf<IntrospectionException>()
                .With.Property(nameof(IntrospectionException.Fault)).EqualTo(IntrospectionFault.DeadlineExceeded)
                .And.Message.Contains("walking the task list"));
    }
}
