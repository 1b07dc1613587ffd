namespace AlSafe.Interop.OpenFlow;

public sealed partial class OpenFlowConnection
{
    private const BundleFlags AtomicOrdered = BundleFlags.Atomic | BundleFlags.Ordered;

    /// <summary>
    /// Applies the flow mods as one atomic, ordered bundle: open, add all, then commit. The adds are pipelined and
    /// followed by a barrier; if the switch refused any add, the bundle is discarded instead of committed, and if it
    /// refuses the commit it rolls the whole bundle back.
    /// </summary>
    /// <remarks>
    /// The barrier is what makes this atomic in practice: Open vSwitch (3.1) refuses a bad add at add time, leaves the
    /// bundle open without it, and would then commit the rest. Waiting for the barrier costs one round trip and lets a
    /// refused add discard the bundle instead.
    /// </remarks>
    /// <exception cref="OpenFlowBundleException">The switch refused a flow mod (named by its index and text) or the
    /// bundle; the tables are unchanged.</exception>
    /// <exception cref="TimeoutException">A step got no answer in time. If that step was the commit, whether it was
    /// applied is unknown: read the table back.</exception>
    /// <exception cref="OpenFlowException">The connection negotiated OpenFlow 1.3
    /// (<see cref="OpenFlowFailure.Unsupported"/>), or ended.</exception>
    /// <exception cref="ArgumentException">A flow mod cannot be encoded; the bundle was discarded.</exception>
    public async Task ApplyBundleAsync(IEnumerable<FlowMod> flowMods, CancellationToken cancellationToken = default)
    {
        var mods = Materialize(flowMods);
        if (Version < OpenFlowVersion.OpenFlow14)
        {
            throw new OpenFlowException(OpenFlowFailure.Unsupported,
                $"bundles need OpenFlow 1.4 or later, but the connection to {Endpoint} negotiated {OpenFlowNames.Version(Version)}; " +
                $"connect with {nameof(OpenFlowConnectionOptions.MinVersion)} = {nameof(OpenFlowVersion.OpenFlow14)}");
        }

        if (mods.Length == 0)
        {
            return;
        }

        var bundleId = unchecked((uint)Interlocked.Increment(ref _lastBundleId));
        await BundleControlAsync(bundleId, BundleControlType.OpenRequest, cancellationToken).ConfigureAwait(false);
        var watch = Watch(mods.Length);
        var committing = false;
        try
        {
            await SendWithBarrierAsync($"bundle {bundleId}", w => EncodeBundleAdds(w, watch.First, bundleId, mods),
                cancellationToken).ConfigureAwait(false);
            if (FirstError(watch) is { } refused)
            {
                await DiscardQuietlyAsync(bundleId).ConfigureAwait(false);
                throw BundleRefused(bundleId, mods, refused, "the bundle was discarded");
            }

            committing = true;
            try
            {
                await BundleControlAsync(bundleId, BundleControlType.CommitRequest, cancellationToken).ConfigureAwait(false);
            }
            catch (OpenFlowErrorException e)
            {
                // A flow mod that fails only at commit time (a table full, an overlap) is reported with its own xid
                // just before the commit's error.
                throw FirstError(watch) is { } blamed
                    ? BundleRefused(bundleId, mods, blamed, "the switch rolled the commit back")
                    : new OpenFlowBundleException($"the switch at {Endpoint} refused to commit bundle {bundleId} of {mods.Length} " +
                                                  $"flow mods: {e.Error}; nothing of it was applied", e.Error, null, null);
            }
        }
        catch (Exception e) when (!committing && e is not OpenFlowBundleException)
        {
            await DiscardQuietlyAsync(bundleId).ConfigureAwait(false);
            throw;
        }
        finally
        {
            Unwatch(watch);
        }
    }

    /// <summary>
    /// Sends the flow mods one by one (not atomically: on OpenFlow 1.3, or for a single change) followed by a barrier,
    /// and reports the first refusal.
    /// </summary>
    /// <exception cref="OpenFlowErrorException">The switch refused a flow mod; the others were applied.</exception>
    public async Task SendFlowModsAsync(IEnumerable<FlowMod> flowMods, CancellationToken cancellationToken = default)
    {
        var mods = Materialize(flowMods);
        var watch = Watch(mods.Length);
        try
        {
            await SendWithBarrierAsync("flow mods", w =>
            {
                for (var i = 0; i < mods.Length; i++)
                {
                    EncodeIndexed(i, mods[i], () => w.WriteFlowMod(Version, unchecked(watch.First + (uint)i), mods[i]));
                }
            }, cancellationToken).ConfigureAwait(false);
            if (FirstError(watch) is { } refused)
            {
                throw new OpenFlowErrorException($"the switch at {Endpoint} refused flow mod #{refused.Index} of {mods.Length} " +
                                                 $"({mods[refused.Index]}): {refused.Error}; the others were applied", refused.Error);
            }
        }
        finally
        {
            Unwatch(watch);
        }
    }

    /// <summary>Reads the flows <paramref name="filter"/> selects (all flows by default), following REPLY_MORE.</summary>
    public async Task<IReadOnlyList<FlowStatsEntry>> DumpFlowsAsync(FlowStatsRequest? filter = null,
        CancellationToken cancellationToken = default)
    {
        var request = filter ?? FlowStatsRequest.All;
        var replies = await RequestAsync(OpenFlowMessageType.MultipartRequest, OpenFlowMessageType.MultipartReply,
            (w, xid) => w.WriteFlowStatsRequest(Version, xid, request), _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        var entries = new List<FlowStatsEntry>();
        foreach (var reply in replies)
        {
            DecodeFlowStats(reply, entries);
        }

        return entries;
    }

    private static void DecodeFlowStats(byte[] reply, List<FlowStatsEntry> entries) => new OpenFlowReader(reply).ReadFlowStatsReply(entries);

    private static FlowMod[] Materialize(IEnumerable<FlowMod> flowMods)
    {
        ArgumentNullException.ThrowIfNull(flowMods);
        var mods = flowMods.ToArray();
        for (var i = 0; i < mods.Length; i++)
        {
            if (mods[i] is null)
            {
                throw new ArgumentException($"flow mod #{i} is null", nameof(flowMods));
            }
        }

        return mods;
    }

    private void EncodeBundleAdds(OpenFlowWriter writer, uint firstXid, uint bundleId, FlowMod[] mods)
    {
        for (var i = 0; i < mods.Length; i++)
        {
            var xid = unchecked(firstXid + (uint)i);
            var mod = mods[i];
            EncodeIndexed(i, mod, () => writer.WriteBundleAddFlowMod(Version, xid, bundleId, AtomicOrdered, mod));
        }
    }

    private static void EncodeIndexed(int index, FlowMod mod, Action encode)
    {
        try
        {
            encode();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"flow mod #{index} ({mod}) cannot be encoded: {e.Message}", e);
        }
    }

    private OpenFlowBundleException BundleRefused(uint bundleId, FlowMod[] mods, (int Index, OpenFlowError Error) refused, string outcome) =>
        new($"the switch at {Endpoint} refused flow mod #{refused.Index} of bundle {bundleId} ({mods.Length} flow mods): " +
            $"{refused.Error}; flow mod: {mods[refused.Index]}; {outcome}, the tables are unchanged",
            refused.Error, refused.Index, mods[refused.Index]);

    private async Task BundleControlAsync(uint bundleId, BundleControlType type, CancellationToken cancellationToken)
    {
        var replies = await RequestAsync(OpenFlowMessageType.BundleControl, OpenFlowMessageType.BundleControl,
            (w, xid) => w.WriteBundleControl(Version, xid, new BundleControlMessage(bundleId, type, AtomicOrdered)),
            _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        var reply = DecodeBundleControl(replies[0]);
        if (reply.BundleId != bundleId || reply.Type != type + 1)
        {
            throw OpenFlowException.Violation($"the switch at {Endpoint} answered {type} of bundle {bundleId} with {reply.Type} " +
                                              $"of bundle {reply.BundleId}");
        }
    }

    private static BundleControlMessage DecodeBundleControl(byte[] reply) => new OpenFlowReader(reply).ReadBundleControl();

    /// <summary>Discards an open bundle on a failure path; a failure to discard is not the failure to report (the
    /// switch also drops a connection's bundles when the connection closes).</summary>
    private async Task DiscardQuietlyAsync(uint bundleId)
    {
        try
        {
            await BundleControlAsync(bundleId, BundleControlType.DiscardRequest, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OpenFlowException or TimeoutException or ObjectDisposedException)
        {
            System.Diagnostics.Debug.WriteLine($"discarding bundle {bundleId} on {Endpoint} failed: {e.Message}");
        }
    }

    /// <summary>Sends messages that expect no reply, then a barrier, and returns when the barrier is answered:
    /// by then every error for the watched xids has arrived, because the switch answers in order.</summary>
    private async Task SendWithBarrierAsync(string what, Action<OpenFlowWriter> encode, CancellationToken cancellationToken)
    {
        var barrierXid = NextXid();
        var barrier = Register(barrierXid, $"{OpenFlowNames.Message(OpenFlowMessageType.BarrierRequest)} after {what}",
            OpenFlowMessageType.BarrierReply);
        try
        {
            await AwaitAsync(barrier, w =>
            {
                encode(w);
                w.WriteBarrierRequest(Version, barrierXid);
            }, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Unregister(barrierXid);
        }
    }

    private XidWatch Watch(int count)
    {
        var watch = new XidWatch(NextXids(Math.Max(count, 1)), count);
        lock (_gate)
        {
            _watches.Add(watch);
        }

        return watch;
    }

    private void Unwatch(XidWatch watch)
    {
        lock (_gate)
        {
            _watches.Remove(watch);
        }
    }

    private (int Index, OpenFlowError Error)? FirstError(XidWatch watch)
    {
        lock (_gate)
        {
            return watch.Errors.Count == 0 ? null : watch.Errors.MinBy(e => e.Index);
        }
    }
}
