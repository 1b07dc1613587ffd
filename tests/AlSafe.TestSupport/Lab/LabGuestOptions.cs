using AlSafe.Core.Rules;

namespace AlSafe.TestSupport.Lab;

/// <summary>How to boot one lab guest (tests/lab/guest.sh start).</summary>
public sealed record LabGuestOptions
{
    /// <summary>Names the runtime directory and the RAM file; letters, digits, '_', '.', '-' (at most 40).</summary>
    public required string Name { get; init; }

    /// <summary>Guest RAM. Below 2 GiB on q35 the RAM file's offset equals the guest physical address.</summary>
    public int MemoryMiB { get; init; } = 512;

    /// <summary>Offer LA57 to the guest (-cpu max), so that the kernel uses 5-level paging; otherwise -cpu max,la57=off.</summary>
    public bool FiveLevelPaging { get; init; }

    /// <summary>"tcg" on machines without usable hardware virtualisation (the lab machines), "kvm" elsewhere.</summary>
    public string Accelerator { get; init; } = "tcg";

    public string Machine { get; init; } = "q35";

    /// <summary>From QEMU's start to the first truth on the console; about 10 s under TCG on the lab machines.</summary>
    public TimeSpan BootTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>A pre-created tap (<c>ip tuntap add mode tap</c>) that becomes the guest's eth0; null leaves eth0 on a
    /// hub port that reaches nothing.</summary>
    public string? Tap { get; init; }

    /// <summary>The named network namespace (<c>/run/netns/NAME</c>) QEMU runs in, where <see cref="Tap"/> is found by
    /// name; null runs it in the caller's. Only with <see cref="Tap"/>.</summary>
    public string? NetworkNamespace { get; init; }

    /// <summary>eth0's MAC; null keeps QEMU's default (52:54:00:12:34:56).</summary>
    public MacAddress? Mac { get; init; }
}
