using AlSafe.Core.Rules.Switch;
using AlSafe.Interop.OpenFlow;

namespace AlSafe.Interop.Switch;

public sealed partial class SwitchFirewall
{
    /// <summary>Selects every AL-SAFE flow, in every table, and no other.</summary>
    private static readonly FlowMod DeleteNamespace = new()
    {
        Command = FlowModCommand.Delete,
        TableId = OpenFlowTable.All,
        Cookie = RuleCookie.Base,
        CookieMask = RuleCookie.NamespaceMask,
    };

    /// <summary>
    /// One bundle: every AL-SAFE flow deleted, the base plan and every desired plan added. A VM plan the switch refuses
    /// does not hold the others back: that VM falls back to its last accepted plan, then to its plan's drop flows only
    /// (fail closed), and only then to no flows, each step logged, and the bundle is sent again.
    /// </summary>
    private async Task ResynchronizeLockedAsync(OpenFlowConnection connection, CancellationToken ct)
    {
        _onSwitch.Clear();
        var install = new Dictionary<ulong, EncodedPlan>(_desired);
        while (true)
        {
            var mods = new List<FlowMod> { DeleteNamespace };
            var owners = new List<ulong> { RuleCookie.Base };
            foreach (var plan in install.Values.Prepend(_base))
            {
                mods.AddRange(plan.Adds);
                owners.AddRange(Enumerable.Repeat(plan.Cookie, plan.Adds.Count));
            }

            try
            {
                await connection.ApplyBundleAsync(mods, ct).ConfigureAwait(false);
                break;
            }
            catch (OpenFlowBundleException e) when (e.FlowModIndex is { } index && RuleCookie.IsVmCookie(owners[index]))
            {
                var cookie = owners[index];
                if (Fallback(cookie, install[cookie]) is { } fallback)
                {
                    install[cookie] = fallback;
                    Log($"VM cookie 0x{cookie:x}: the switch refused its plan ({e.Error}); installing {Describe(fallback)} instead");
                }
                else
                {
                    install.Remove(cookie);
                    Log($"VM cookie 0x{cookie:x}: the switch refused every fallback ({e.Error}); the VM has no flows and its port is unprotected");
                }
            }
        }

        _onSwitch[RuleCookie.Base] = _base;
        foreach (var (cookie, plan) in install)
        {
            _onSwitch[cookie] = plan;
            _lastAccepted[cookie] = plan;
        }

        Log($"resynchronised: base plan and {install.Count} VM plans, {install.Values.Sum(plan => plan.Adds.Count) + _base.Adds.Count} flows in one bundle");
    }

    /// <summary>What to try after <paramref name="refused"/>: the desired plan, the last accepted one, the desired
    /// plan's drop flows; each at most once, in that order.</summary>
    private EncodedPlan? Fallback(ulong cookie, EncodedPlan refused)
    {
        var desired = _desired[cookie];
        var quarantine = EncodedPlan.Of(new FlowPlan(cookie, desired.Plan.Flows.Where(flow => flow.Actions.Count == 0)));
        var chain = new List<EncodedPlan>();
        foreach (var candidate in new[] { desired, _lastAccepted.GetValueOrDefault(cookie), quarantine })
        {
            if (candidate is { Plan.Flows.Count: > 0 } && !chain.Exists(earlier => earlier.Plan.Equals(candidate.Plan)))
            {
                chain.Add(candidate);
            }
        }

        var next = chain.FindIndex(candidate => candidate.Plan.Equals(refused.Plan)) + 1;
        return next < chain.Count ? chain[next] : null;
    }

    private string Describe(EncodedPlan fallback) =>
        fallback.Plan.Equals(_lastAccepted.GetValueOrDefault(fallback.Cookie)?.Plan) ? "its last accepted plan" : "only its drop flows";

    private async Task<ReconcileReport> ReconcileLockedAsync(OpenFlowConnection connection, CancellationToken ct)
    {
        var entries = await connection.DumpFlowsAsync(FlowStatsRequest.All, ct).ConfigureAwait(false);
        var foreign = 0;
        var byCookie = new Dictionary<ulong, List<FlowMod>>();
        foreach (var entry in entries)
        {
            if ((entry.Flow.Cookie & RuleCookie.NamespaceMask) != RuleCookie.Base)
            {
                foreign++;
            }
            else if (byCookie.TryGetValue(entry.Flow.Cookie, out var owned))
            {
                owned.Add(entry.Flow);
            }
            else
            {
                byCookie.Add(entry.Flow.Cookie, [entry.Flow]);
            }
        }

        int missing = 0, extra = 0, repaired = 0, failed = 0;
        foreach (var plan in _desired.Values.Prepend(_base).ToList())
        {
            var (lacking, extras) = Compare(plan, byCookie.Remove(plan.Cookie, out var owned) ? owned : []);
            missing += lacking.Count;
            extra += extras.Count;
            if (lacking.Count == 0 && extras.Count == 0)
            {
                _onSwitch[plan.Cookie] = plan;
                continue;
            }

            // Deletes first: an extra flow may hold the key of a missing one with other actions.
            IReadOnlyList<FlowMod> repair = [.. extras.Select(DeleteStrict), .. lacking];
            if (await TryRepairAsync(connection, plan.Cookie, repair, $"{lacking.Count} missing and {extras.Count} extra flows", ct).ConfigureAwait(false))
            {
                repaired++;
                _onSwitch[plan.Cookie] = plan;
                _lastAccepted[plan.Cookie] = plan;
            }
            else
            {
                failed++;
                _onSwitch.Remove(plan.Cookie);
            }
        }

        // Whatever is left is under AL-SAFE cookies no plan claims: VMs no longer protected here.
        foreach (var (cookie, stale) in byCookie)
        {
            extra += stale.Count;
            var removed = await TryRepairAsync(connection, cookie, [FlowMod.DeleteByCookie(cookie)], $"{stale.Count} flows of a VM no longer protected", ct)
                .ConfigureAwait(false);
            repaired += removed ? 1 : 0;
            failed += removed ? 0 : 1;
        }

        var report = new ReconcileReport(missing, extra, foreign, repaired, failed);
        if (!report.InSync || report.Foreign > 0)
        {
            Log($"reconciled: {missing} missing, {extra} extra, {foreign} foreign (left alone); {repaired} owners repaired, {failed} refused");
        }

        return report;
    }

    /// <summary>
    /// The plan's adds the switch lacks, and the flows it holds under the plan's cookie that the plan does not have.
    /// A flow read back is the planned one when its flow mod is (the common case, no mapping needed) or when it maps
    /// back to a planned flow (the switch or another tool wrote it with a field the model ignores).
    /// </summary>
    private static (List<FlowMod> Lacking, List<FlowMod> Extras) Compare(EncodedPlan plan, List<FlowMod> actual)
    {
        var wanted = new Dictionary<FlowMod, Flow>(plan.Adds.Count);
        for (var i = 0; i < plan.Adds.Count; i++)
        {
            wanted[plan.Adds[i]] = plan.Plan.Flows[i];
        }

        HashSet<Flow>? planned = null;
        var present = new HashSet<Flow>();
        var extras = new List<FlowMod>();
        foreach (var flowMod in actual)
        {
            if (wanted.TryGetValue(flowMod, out var flow))
            {
                present.Add(flow);
            }
            else if (FlowModMapper.TryToFlow(flowMod, out var mapped) && (planned ??= [.. plan.Plan.Flows]).Contains(mapped))
            {
                present.Add(mapped);
            }
            else
            {
                extras.Add(flowMod);
            }
        }

        var lacking = new List<FlowMod>();
        for (var i = 0; i < plan.Adds.Count; i++)
        {
            if (!present.Contains(plan.Plan.Flows[i]))
            {
                lacking.Add(plan.Adds[i]);
            }
        }

        return (lacking, extras);
    }

    private async Task<bool> TryRepairAsync(OpenFlowConnection connection, ulong cookie, IReadOnlyList<FlowMod> repair, string what, CancellationToken ct)
    {
        try
        {
            await connection.ApplyBundleAsync(repair, ct).ConfigureAwait(false);
            Log($"cookie 0x{cookie:x}: repaired {what}");
            return true;
        }
        catch (OpenFlowBundleException e)
        {
            Log($"cookie 0x{cookie:x}: the switch refused the repair of {what}: {e.Message}");
            return false;
        }
    }

    /// <summary>The strict delete of a flow as the switch reported it, whatever it is, under its exact cookie.</summary>
    private static FlowMod DeleteStrict(FlowMod reported) => new()
    {
        Command = FlowModCommand.DeleteStrict,
        TableId = reported.TableId,
        Priority = reported.Priority,
        Cookie = reported.Cookie,
        CookieMask = ulong.MaxValue,
        Match = reported.Match,
    };
}
