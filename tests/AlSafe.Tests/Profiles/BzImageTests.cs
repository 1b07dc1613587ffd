using AlSafe.Core.Profiles;
using AlSafe.Interop.Kernel;
using NUnit.Framework;

namespace AlSafe.Tests.Profiles;

public sealed class BzImageTests
{
    [Test]
    public void RealVmlinuz_HasAnXzPayload()
    {
        var payload = BzImage.XzPayload(RealKernel.Vmlinuz);

        Assert.That(payload.Length, Is.GreaterThan(1_000_000).And.LessThan(RealKernel.Vmlinuz.Length));
    }

    [Test]
    public void CorruptedPayload_GivesAClearError()
    {
        var image = (byte[])RealKernel.Vmlinuz.Clone();
        var payload = PayloadOffset(image);
        image.AsSpan(payload + 4096, 4096).Fill(0x55);

        Assert.That(() => KernelProfileFactory.FromBytes(image),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("corrupt"));
    }

    [Test]
    public void GzipPayload_IsNamedAsUnsupported()
    {
        var image = (byte[])RealKernel.Vmlinuz.Clone();
        var payload = PayloadOffset(image);
        image[payload] = 0x1f;
        image[payload + 1] = 0x8b;

        Assert.That(() => BzImage.XzPayload(image),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("gzip-compressed; only xz"));
    }

    [Test]
    public void PayloadPastTheEnd_IsRefusedAsTruncated()
    {
        var image = RealKernel.Vmlinuz.AsSpan(0, 100_000).ToArray();

        Assert.That(() => BzImage.XzPayload(image), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("truncated"));
    }

    [Test]
    public void MissingSetupHeader_IsNotABzImage()
    {
        Assert.That(BzImage.IsBzImage(new byte[0x1000]), Is.False);
        Assert.That(() => BzImage.XzPayload(new byte[0x1000]), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("HdrS"));
    }

    private static int PayloadOffset(byte[] image) =>
        ((image[0x1f1] == 0 ? 4 : image[0x1f1]) + 1) * 512 + BitConverter.ToInt32(image, 0x248);
}
