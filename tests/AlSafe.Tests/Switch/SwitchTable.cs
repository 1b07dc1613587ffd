using System.Text.RegularExpressions;
using AlSafe.Core.Rules.Switch;
using AlSafe.Interop.OpenFlow;
using AlSafe.Interop.Switch;
using AlSafe.TestSupport.Ovs;

namespace AlSafe.Tests.Switch;

/// <summary>A switch's table as tests compare it: ovs-ofctl's own text, or the planner's flows read back natively.</summary>
internal static partial class SwitchTable
{
    /// <summary><c>ovs-ofctl dump-flows</c> without what changes by itself (durations, counters, ages), one line
    /// per flow, sorted: equal text means equal tables as ovs-ofctl sees them.</summary>
    public static async Task<IReadOnlyList<string>> OfctlLinesAsync(OvsInstance ovs)
    {
        var dump = await ovs.OfctlAsync("dump-flows");
        return [.. dump.Split('\n')
            .Where(line => line.Contains("actions=", StringComparison.Ordinal))
            .Select(line => Volatile().Replace(line, "").Trim())
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Every flow of the table, as the switch reports it.</summary>
    public static async Task<IReadOnlyList<FlowMod>> DumpAsync(OvsInstance ovs, CancellationToken cancellationToken)
    {
        await using var connection = await OpenFlowConnection.ConnectUnixAsync(ovs.ManagementSocket, cancellationToken: cancellationToken);
        return [.. (await connection.DumpFlowsAsync(cancellationToken: cancellationToken)).Select(entry => entry.Flow)];
    }

    /// <summary>The flows under <paramref name="cookie"/> as planner flows; fails the test on one the model cannot hold.</summary>
    public static async Task<IReadOnlyList<Flow>> FlowsAsync(OvsInstance ovs, ulong cookie, CancellationToken cancellationToken) =>
        [.. (await DumpAsync(ovs, cancellationToken)).Where(flow => flow.Cookie == cookie).Select(FlowModMapper.ToFlow)];

    [GeneratedRegex(@"(duration|n_packets|n_bytes|idle_age|hard_age)=[^,\s]*,?\s*")]
    private static partial Regex Volatile();
}
