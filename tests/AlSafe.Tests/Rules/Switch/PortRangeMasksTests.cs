using AlSafe.Core.Rules.Switch;
using AlSafe.Core.Whitelist;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;
using NUnit.Framework;

namespace AlSafe.Tests.Rules.Switch;

public sealed class PortRangeMasksTests
{
    [Property(Arbitrary = new[] { typeof(RuleArbitraries) }, MaxTest = 200)]
    public bool TheMasksMatchExactlyThePortsOfTheRangeAndNoPortTwice(PortRange range)
    {
        var masks = PortRangeMasks.Cover(range);
        for (var port = 0; port <= ushort.MaxValue; port++)
        {
            var matching = masks.Count(mask => (port & mask.Mask) == mask.Value);
            if (matching != (range.Contains((ushort)port) ? 1 : 0))
            {
                return false;
            }
        }

        return true;
    }

    // The minimal cover of an interval by aligned blocks is unique: every block is maximal (its parent block, one
    // mask bit shorter, does not fit in the range) and the blocks are disjoint, which the property above checks.
    [Property(Arbitrary = new[] { typeof(RuleArbitraries) }, MaxTest = 500)]
    public bool EveryMaskIsTheLargestAlignedBlockThatFits(PortRange range) =>
        PortRangeMasks.Cover(range).All(mask =>
        {
            if (mask.Mask == 0)
            {
                return range.IsAny;
            }

            var parentMask = (ushort)(mask.Mask << 1);
            var parentFirst = mask.Value & parentMask;
            var parentLast = parentFirst | (ushort)~parentMask;
            return (mask.Value & ~mask.Mask & 0xffff) == 0 && (parentFirst < range.First || parentLast > range.Last);
        });

    [Test]
    public void KnownRangesGiveTheirKnownMasks()
    {
        Assert.That(PortRangeMasks.Cover(PortRange.Any), Is.EqualTo(new[] { new MaskedPort(0, 0) }));
        Assert.That(PortRangeMasks.Cover(PortRange.Single(80)), Is.EqualTo(new[] { MaskedPort.Exact(80) }));
        Assert.That(
            PortRangeMasks.Cover(new PortRange(1024, 65535)),
            Is.EqualTo(new[]
            {
                new MaskedPort(0x400, 0xfc00), new MaskedPort(0x800, 0xf800), new MaskedPort(0x1000, 0xf000),
                new MaskedPort(0x2000, 0xe000), new MaskedPort(0x4000, 0xc000), new MaskedPort(0x8000, 0x8000),
            }));
        Assert.That(PortRangeMasks.Cover(new PortRange(1, 65534)), Has.Count.EqualTo(30));
    }

    [Test]
    public void AnEmptyRangeIsRefused() =>
        Assert.That(() => PortRangeMasks.Cover(new PortRange(10, 9)), Throws.ArgumentException);
}
