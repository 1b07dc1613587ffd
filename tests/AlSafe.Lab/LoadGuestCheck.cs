using System.Text;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection;
using AlSafe.Core.Profiles;
using AlSafe.Core.Whitelist;
using AlSafe.Interop.Memory;

namespace AlSafe.Lab;

/// <summary>What one guest of the node holds, read back from its files the way the daemon reads them (mapped, layout
/// flat, its own profile) and judged against the tenant's whitelist: proof that the daemon measured is doing the
/// work the table says, not failing early on every VM.</summary>
internal sealed record LoadGuestCheck(int Processes, int InetSockets, int Allowed, int Blocked, int Discarded)
{
    public static LoadGuestCheck Run(string vm, string image, string profile, string whitelist)
    {
        var parsed = WhitelistParser.Parse(Encoding.UTF8.GetBytes(whitelist), LoadGuest.Tenant + ".tsv", LoadGuest.Tenant);
        var tenant = parsed.Whitelist
            ?? throw new InvalidOperationException($"the benchmark's whitelist is refused: {string.Join("; ", parsed.Errors)}");
        using var memory = MappedGuestMemory.Open(image, "flat");
        var snapshot = new Introspector([KernelProfileSerializer.Load(profile)]).Introspect(memory);
        var report = new VerdictEngine(tenant, vm).Decide(vm, snapshot.Processes);
        return new LoadGuestCheck(
            snapshot.Processes.Count,
            snapshot.Processes.Sum(process => process.Sockets.Count),
            report.Verdicts.Count(verdict => verdict.Kind == VerdictKind.Allow),
            report.Verdicts.Count(verdict => verdict.Kind == VerdictKind.Block),
            report.Discarded.Count);
    }

    public override string ToString() =>
        $"{Processes} processes, {InetSockets} inet sockets: {Allowed} allowed, {Blocked} blocked, {Discarded} discarded";
}
