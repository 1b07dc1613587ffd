using System.Text.RegularExpressions;
using AlSafe.Core.Rules.Switch;
using NUnit.Framework;

namespace AlSafe.Tests.Rules.Switch;

/// <summary>
/// Lets ovs-ofctl parse the rendered flows and print them back in its canonical form: equal text means ovs-ofctl
/// accepts every line and reads it as the flow that was planned, field for field.
/// </summary>
public sealed partial class OfctlSyntaxTests
{
    [Test]
    public void OvsOfctlReadsEveryPlannedFlowAsPlanned()
    {
        var ofctl = ExternalTool.Require("ovs-ofctl");
        var plans = new[] { FlowPlanner.BasePlan(), FlowPlanner.Plan(SampleGrants.Web) };
        var flows = plans.SelectMany(plan => plan.Flows).ToList();
        var file = Path.Combine(Path.GetTempPath(), $"alsafe-flows-{Guid.NewGuid():n}.txt");
        try
        {
            File.WriteAllText(file, string.Concat(plans.Select(OfctlFormatter.Plan)));
            var (exitCode, output, error) = ExternalTool.Run(ofctl, "-O", "OpenFlow13", "parse-flows", file);

            Assert.That(exitCode, Is.Zero, error);
            var parsed = output.Split('\n').Select(line => FlowMod().Match(line)).Where(match => match.Success).ToList();
            Assert.That(parsed, Has.Count.EqualTo(flows.Count));
            Assert.Multiple(() =>
            {
                for (var i = 0; i < flows.Count; i++)
                {
                    var match = OfctlFormatter.Match(flows[i].Match);
                    var expected = $"table={(byte)flows[i].Table} priority={flows[i].Priority}{(match.Length > 0 ? "," + match : "")} "
                        + $"cookie:0x{flows[i].Cookie:x} actions={OfctlFormatter.Actions(flows[i].Actions)}";
                    var read = parsed[i].Groups;
                    var actual = $"table={(read["table"].Success ? read["table"].Value : "0")} priority={read["rest"].Value} cookie:{read["cookie"].Value} {read["actions"].Value}";
                    Assert.That(actual, Is.EqualTo(expected));
                }
            });
        }
        finally
        {
            File.Delete(file);
        }
    }

    // e.g. "OFPT_FLOW_MOD (OF1.3) (xid=0x3): ADD table:3 priority=200,ct_state=... cookie:0xa15a... actions=ct(commit,zone=7),output:5"
    [GeneratedRegex(@"^OFPT_FLOW_MOD .*?: ADD (?:table:(?<table>\d+) )?priority=(?<rest>.*) cookie:(?<cookie>0x[0-9a-f]+) (?<actions>actions=.*)$")]
    private static partial Regex FlowMod();
}
