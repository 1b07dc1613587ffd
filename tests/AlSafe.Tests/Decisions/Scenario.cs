using System.Globalization;
using System.Text;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules;
using AlSafe.Core.Whitelist;

namespace AlSafe.Tests.Decisions;

/// <summary>A generated VM: its connection list, the same list in another order, and its tenant's whitelist lines.</summary>
public sealed record Scenario(VmPort Vm, GuestProcess[] Processes, GuestProcess[] Shuffled, WhitelistEntry[] Entries)
{
    public TenantWhitelist Whitelist => new("tenant", Lines.File, Entries);

    public VerdictReport Decide() => new VerdictEngine(Whitelist, Vm.Name).Decide(Vm.Name, Processes);

    // FsCheck prints the counterexample with ToString; the record's own would show only array type names.
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var process in Processes)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  pid {process.Pid} {process.Comm} {process.ExePath ?? "-"} uid {process.Uid}{(process.IsKernelThread ? " kthread" : "")}");
            foreach (var s in process.Sockets)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n    {s.Family} {s.Protocol} {s.LocalAddress}:{s.LocalPort} {s.RemoteAddress}:{s.RemotePort} {s.State} inode {s.Inode}");
            }
        }

        foreach (var e in Entries)
        {
            text.Append(CultureInfo.InvariantCulture, $"\n  line {e.Line}: {e.Vm ?? "*"} {e.Process} {e.Uid?.ToString(CultureInfo.InvariantCulture) ?? "*"} {e.Protocol} {e.Direction} {e.LocalPort} {e.Remote} {e.RemotePort}");
        }

        return text.ToString();
    }
}
