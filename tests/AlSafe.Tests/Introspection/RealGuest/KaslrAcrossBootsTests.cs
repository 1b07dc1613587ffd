using AlSafe.Core.Introspection;
using AlSafe.TestSupport.Lab;
using NUnit.Framework;

namespace AlSafe.Tests.Introspection.RealGuest;

/// <summary>Two boots of the same kernel get different KASLR layouts (image position, slide, direct map); the same
/// profile must read both exactly, with nothing learnt from one boot reused for the other.</summary>
[Category("Lab")]
[NonParallelizable]
public sealed class KaslrAcrossBootsTests
{
    [Test]
    public async Task TwoBootsWithDifferentLayoutsBothIntrospectExactly()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var boots = await Task.WhenAll(
            RealGuestSession.StartAsync(new LabGuestOptions { Name = "it-kaslr-a", MemoryMiB = 512 }, cts.Token),
            RealGuestSession.StartAsync(new LabGuestOptions { Name = "it-kaslr-b", MemoryMiB = 512 }, cts.Token));
        try
        {
            var introspector = new Introspector([LabProfiles.Built]);
            var layouts = new List<(ulong, ulong, ulong)>();
            foreach (var boot in boots)
            {
                var truth = await boot.Guest.RefreshTruthAsync(cts.Token);
                var snapshot = introspector.Introspect(boot.Memory);
                TruthAssert.Matches(snapshot, truth);
                layouts.Add((snapshot.Kernel.PhysicalBase, snapshot.Kernel.VirtualSlide, snapshot.Kernel.PageOffsetBase));
            }

            Assert.That(layouts[0], Is.Not.EqualTo(layouts[1]), "KASLR gave both boots the same layout");
        }
        finally
        {
            foreach (var boot in boots)
            {
                await boot.DisposeAsync();
            }
        }
    }
}
