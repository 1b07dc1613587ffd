using System.Buffers.Binary;
using System.Runtime.InteropServices;
using AlSafe.Core.Introspection.Memory;
using AlSafe.Interop.Memory;
using AlSafe.Interop.Qmp;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.Memory;

/// <summary>
/// Guest memory as a real QEMU lays it out: an ELF core from dump-guest-memory read against the RAM file it was taken
/// from, and a 3 GiB q35 guest whose RAM above 4 GiB is checked through QEMU's own eyes (HMP xp), which is the proof
/// that <see cref="PhysicalLayout.Q35"/> matches QEMU.
/// </summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class QemuDumpTests
{
    private const ulong RamSize = 64UL << 20;
    private const ulong FourGiB = 4UL << 30;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private TestQemu? _qemu;
    private QmpClient? _client;

    [TearDown]
    public async Task TearDown()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
            _client = null;
        }

        if (_qemu is not null)
        {
            await _qemu.DisposeAsync();
            _qemu = null;
        }
    }

    [Test]
    public async Task An_ELF_core_from_dump_guest_memory_reads_like_the_RAM_file(CancellationToken cancellationToken)
    {
        var (qemu, client) = await StartAsync("64M", cancellationToken);
        var pattern = new byte[RamSize];
        var words = MemoryMarshal.Cast<byte, ulong>(pattern.AsSpan());
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = MappedGuestMemoryTests.Pattern((ulong)i * 8);
        }

        qemu.WriteRam(0, pattern);
        var corePath = Path.Combine(qemu.Directory, "guest.core");

        await client.DumpGuestMemoryAsync(corePath, cancellationToken: cancellationToken);

        using var core = MappedGuestMemory.OpenElfCore(corePath);
        using var ram = MappedGuestMemory.OpenRam(qemu.RamPath, PhysicalLayout.Flat(RamSize));
        Assert.That(core.Layout.Ranges.Any(r => r.Contains(0) && r.Contains(0xb_fff8)), Is.True, core.Layout.ToString());
        Assert.That(core.Layout.Ranges.Any(r => r.Contains(0x10_0000) && r.Contains(RamSize - 8)), Is.True, core.Layout.ToString());

        // 0xc0000-0xfffff is option ROM and BIOS shadow (PAM), and the top of 4 GiB is flash: not the RAM file.
        var compared = 0UL;
        var fromCore = new byte[1 << 20];
        var fromRam = new byte[1 << 20];
        foreach (var range in core.Layout.Ranges.Where(r => r.GuestEnd <= RamSize && (r.GuestEnd <= 0xc_0000 || r.GuestStart >= 0x10_0000)))
        {
            for (var address = range.GuestStart; address < range.GuestEnd; address += (ulong)fromCore.Length)
            {
                var length = (int)Math.Min((ulong)fromCore.Length, range.GuestEnd - address);
                Assert.That(core.TryRead(address, fromCore.AsSpan(0, length)), Is.True);
                Assert.That(ram.TryRead(address, fromRam.AsSpan(0, length)), Is.True);
                Assert.That(fromCore.AsSpan(0, length).SequenceEqual(fromRam.AsSpan(0, length)), Is.True, $"0x{address:x}");
                Assert.That(fromCore.AsSpan(0, length).SequenceEqual(pattern.AsSpan((int)address, length)), Is.True, $"0x{address:x}");
                compared += (ulong)length;
            }
        }

        Assert.That(compared, Is.EqualTo(RamSize - 0x4_0000));
    }

    [Test]
    public async Task A_3_GiB_q35_guest_keeps_2_GiB_below_4_GiB_and_the_rest_at_4_GiB(CancellationToken cancellationToken)
    {
        const ulong ramSize = 3UL << 30;
        var (qemu, client) = await StartAsync("3G", cancellationToken);
        var marks = new (ulong FileOffset, ulong Value)[]
        {
            (0x7fff_0000, 0x1111_2222_7fff_0000),
            (0x7fff_fff8, 0x3333_4444_7fff_fff8),
            (0x8000_0000, 0x5555_6666_8000_0000),
            (ramSize - 8, 0x7777_8888_bfff_fff8),
        };
        var bytes = new byte[8];
        foreach (var (offset, value) in marks)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
            qemu.WriteRam((long)offset, bytes);
        }

        using var memory = MappedGuestMemory.Open(qemu.RamPath);
        Assert.That(memory.Layout.ToString(), Is.EqualTo(PhysicalLayout.Q35(ramSize).ToString()));
        foreach (var (offset, value) in marks)
        {
            var guest = offset < 0x8000_0000 ? offset : FourGiB + (offset - 0x8000_0000);
            Assert.That(await ExamineAsync(client, guest, cancellationToken), Is.EqualTo(value), $"QEMU at guest 0x{guest:x}");
            Assert.That(memory.TryRead(guest, bytes), Is.True);
            Assert.That(BinaryPrimitives.ReadUInt64LittleEndian(bytes), Is.EqualTo(value), $"mapping at guest 0x{guest:x}");
        }

        Assert.That(await ExamineAsync(client, 0x8000_0000, cancellationToken), Is.Null,
            "guest 2 GiB is the PCI hole, not file offset 2 GiB");
    }

    /// <summary>The quadword QEMU itself sees at a guest-physical address, or null where it says "Cannot access memory"
    /// (the PCI hole).</summary>
    private static async Task<ulong?> ExamineAsync(QmpClient client, ulong guestPhysical, CancellationToken cancellationToken)
    {
        var output = await client.HumanMonitorCommandAsync($"xp /1gx 0x{guestPhysical:x}", cancellationToken);
        var at = output.IndexOf(": 0x", StringComparison.Ordinal);
        return at < 0 ? null : Convert.ToUInt64(output[(at + 4)..].Trim(), 16);
    }

    private async Task<(TestQemu Qemu, QmpClient Client)> StartAsync(string memory, CancellationToken cancellationToken)
    {
        _qemu = await TestQemu.StartAsync(memory);
        _client = await QmpClient.ConnectAsync(_qemu.SocketPath, Timeout, cancellationToken);
        return (_qemu, _client);
    }
}
