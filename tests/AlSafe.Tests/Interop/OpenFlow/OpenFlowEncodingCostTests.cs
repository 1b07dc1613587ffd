using AlSafe.Interop.OpenFlow;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.OpenFlow;

/// <summary>A full-table swap is thousands of bundle adds encoded in one go: once the buffer has grown, that must
/// allocate nothing. Its speed is measured in the benchmarks, not here.</summary>
[TestFixture]
public sealed class OpenFlowEncodingCostTests
{
    [Test]
    public void Ten_thousand_bundle_adds_encode_without_allocating()
    {
        var flows = Enumerable.Range(0, 10_000).Select(i => OpenFlowSamples.RichFlow((ulong)i)).ToArray();
        using var writer = new OpenFlowWriter();
        Encode(writer, flows);

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        Encode(writer, flows);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        TestContext.Out.WriteLine($"10,000 bundle adds: {writer.WrittenCount} bytes, {allocated} bytes allocated");
        Assert.That(allocated, Is.LessThan(1024));
    }

    private static void Encode(OpenFlowWriter writer, FlowMod[] flows)
    {
        writer.Clear();
        for (var i = 0; i < flows.Length; i++)
        {
            writer.WriteBundleAddFlowMod(OpenFlowVersion.OpenFlow14, (uint)i, 1, BundleFlags.Atomic | BundleFlags.Ordered, flows[i]);
        }
    }
}
