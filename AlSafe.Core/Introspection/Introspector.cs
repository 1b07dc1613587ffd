using System.Diagnostics;
using AlSafe.Core.Introspection.Kernel;
using AlSafe.Core.Introspection.Memory;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Introspection.Translation;
using AlSafe.Core.Introspection.Walkers;
using AlSafe.Core.Profiles;

namespace AlSafe.Core.Introspection;

/// <summary>
/// Produces one guest's processes and sockets from its physical memory. One instance serves one guest: it remembers
/// where that guest's kernel was found and re-validates the spot before each walk, so the banner search runs only
/// after a reboot or on first use.
/// </summary>
public sealed class Introspector
{
    /// <summary>Live reads retry a walk that met a list being changed under it; a paused guest never does that.</summary>
    private const int LiveAttempts = 3;

    private readonly IReadOnlyList<KernelProfile> _profiles;
    private readonly IntrospectionLimits _limits;
    private LocatedKernel? _kernel;

    /// <summary>The offsets of the profile last used, so a poll does not look them up again.</summary>
    private (KernelProfile Profile, KernelOffsets Offsets)? _offsets;

    public Introspector(IReadOnlyList<KernelProfile> profiles, IntrospectionLimits? limits = null)
    {
        if (profiles.Count == 0)
        {
            throw new ArgumentException("introspection needs at least one kernel profile", nameof(profiles));
        }

        _profiles = profiles;
        _limits = limits ?? IntrospectionLimits.Default;
    }

    /// <summary>Reads the guest while it runs, validating what it reads.</summary>
    public IntrospectionSnapshot Introspect(IPhysicalMemory memory)
    {
        var deadline = Deadline.After(_limits.Deadline);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Walk(memory, deadline, paused: false);
            }
            catch (IntrospectionException e) when (e.Fault == IntrospectionFault.Inconsistent && attempt < LiveAttempts)
            {
                deadline.Check("retrying a live read");
            }
        }
    }

    /// <summary>Pauses the guest with <paramref name="pauser"/> for the walk (a coherent moment), or reads it live
    /// when no pauser is given. The guest is resumed even when the walk fails.</summary>
    public async Task<IntrospectionSnapshot> IntrospectAsync(
        IPhysicalMemory memory, IGuestPauser? pauser, CancellationToken cancellationToken)
    {
        if (pauser is null)
        {
            return Introspect(memory);
        }

        var deadline = Deadline.After(_limits.Deadline);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(_limits.Deadline);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await pauser.PauseAsync(budget.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not IntrospectionException)
        {
            throw new IntrospectionException(IntrospectionFault.Hypervisor, $"could not pause the guest: {e.Message}", e);
        }

        IntrospectionSnapshot snapshot;
        try
        {
            snapshot = Walk(memory, deadline, paused: true);
        }
        finally
        {
            try
            {
                // Resuming must not be skipped because the caller gave up: a guest left paused is an outage.
                await pauser.ResumeAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not IntrospectionException)
            {
                throw new IntrospectionException(IntrospectionFault.Hypervisor, $"could not resume the guest: {e.Message}", e);
            }
        }

        var pause = Stopwatch.GetElapsedTime(started);
        return snapshot with { Timings = snapshot.Timings with { Pause = pause } };
    }

    private IntrospectionSnapshot Walk(IPhysicalMemory memory, Deadline deadline, bool paused)
    {
        var started = Stopwatch.GetTimestamp();
        var kernel = Bind(memory);
        deadline.Check("locating the kernel");
        var pages = new PageTableWalker(memory, kernel.PageTableRoot, kernel.PagingLevels);
        var reader = new GuestReader(memory, pages, deadline);
        if (!ReferenceEquals(_offsets?.Profile, kernel.Profile))
        {
            _offsets = (kernel.Profile, new KernelOffsets(kernel.Profile));
        }

        var offsets = _offsets.Value.Offsets;
        var tasks = new TaskWalker(reader, offsets, _limits, kernel.Runtime("socket_file_ops"));
        var processes = tasks.Walk(kernel.Runtime("init_task"));
        var walk = Stopwatch.GetElapsedTime(started);
        var profile = kernel.Profile;
        return new IntrospectionSnapshot(
            new GuestKernel(
                profile.Release, profile.BuildId, profile.Source,
                kernel.PhysicalBase, kernel.VirtualSlide, kernel.PageOffsetBase, kernel.PagingLevels),
            processes,
            new IntrospectionTimings(walk, TimeSpan.Zero, reader.PagesTouched),
            paused);
    }

    private LocatedKernel Bind(IPhysicalMemory memory)
    {
        if (_kernel is { } known
            && KernelLocator.TryValidate(memory, known.Profile, known.PhysicalBase, out var revalidated, out _))
        {
            return _kernel = revalidated;
        }

        return _kernel = KernelLocator.Locate(memory, _profiles);
    }
}
