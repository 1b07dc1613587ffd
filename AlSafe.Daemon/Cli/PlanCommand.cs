using System.Globalization;
using System.Net;
using System.Text.Json;
using AlSafe.Core.Decisions;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules;
using AlSafe.Core.Rules.Edge;
using AlSafe.Core.Rules.Switch;
using AlSafe.Core.Whitelist;

namespace AlSafe.Daemon.Cli;

/// <summary>
/// <c>alsafe plan</c>: the whole decision for one VM without touching any firewall: its connection list (the JSON of
/// <c>alsafe introspect</c>) judged against its tenant's whitelist, and the switch flows and edge elements that
/// follow. The daemon computes exactly this on every introspection; here an operator can see it and check it.
/// </summary>
public static class PlanCommand
{
    public const string Usage = """
        usage: alsafe plan --whitelist PATH --tenant T --vm NAME --mac MAC --ip ADDR[,ADDR...] --connections FILE
                           [--ofport N] [--zone N] [--base] [--format table|json]
          --whitelist    the tenant's whitelist file (T.tsv) or the directory holding it
          --connections  the JSON that `alsafe introspect --format json` printed for the VM
          --mac, --ip    the VM's own MAC and addresses: the only ones it may send from
          --ofport       the VM's switch port (default 1); --zone its conntrack zone (default 1)
          --base         also print the bridge-wide flows that belong to no VM
        """;

    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var o = new OptionReader(
            args,
            ["--whitelist", "--tenant", "--vm", "--mac", "--ip", "--connections", "--ofport", "--zone", "--format"],
            ["--base"]);
        if (o.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument '{o.Positional[0]}'\n{Usage}");
        }

        var format = o.Value("--format") ?? "table";
        if (format is not ("table" or "json"))
        {
            throw new UsageException($"--format takes table or json, not '{format}'");
        }

        var vm = Port(o);
        var tenant = o.Required("--tenant");
        var whitelist = LoadWhitelist(o.Required("--whitelist"), tenant, stderr);
        if (whitelist is null)
        {
            return 1;
        }

        var connectionsPath = o.Required("--connections");
        var connections = SnapshotJsonReader.Read(File.ReadAllBytes(connectionsPath), connectionsPath);
        foreach (var rejected in connections.Rejected)
        {
            stderr.WriteLine($"alsafe: discarded: {rejected}");
        }

        var report = new VerdictEngine(whitelist, vm.Name).Decide(vm.Name, connections.Snapshot.Processes);
        var grants = GrantBuilder.Build(vm, report);
        var plan = new PlanOutput(whitelist, vm, report, FlowPlanner.Plan(grants), EdgePlanner.Plan(grants),
            o.Has("--base") ? FlowPlanner.BasePlan() : null);
        if (format == "json")
        {
            WriteJson(stdout, plan);
        }
        else
        {
            WriteTable(stdout, plan);
        }

        return 0;
    }

    private static VmPort Port(OptionReader o)
    {
        var name = o.Required("--vm");
        if (!MacAddress.TryParse(o.Required("--mac"), out var mac) || mac.IsMulticast || mac.Value == 0)
        {
            throw new UsageException($"--mac '{o.Value("--mac")}' is not a unicast MAC address (xx:xx:xx:xx:xx:xx)");
        }

        var addresses = new List<IPAddress>();
        foreach (var text in o.Required("--ip").Split(','))
        {
            if (!IPAddress.TryParse(text, out var address) || text.Contains('%', StringComparison.Ordinal))
            {
                throw new UsageException($"--ip: '{text}' is not an IPv4 or IPv6 address");
            }

            addresses.Add(address);
        }

        var ofport = (uint)o.Int("--ofport", 1, 1, 0xfeff);
        var zone = (ushort)o.Int("--zone", 1, 1, ushort.MaxValue);
        return new VmPort(name, ofport, mac, addresses, zone, RuleCookie.ForVm(name));
    }

    /// <summary>The tenant's valid whitelist, or null after printing why there is none: no plan is ever made from a
    /// file with errors, the same way the daemon keeps its last good whitelist.</summary>
    private static TenantWhitelist? LoadWhitelist(string path, string tenant, TextWriter stderr)
    {
        if (!TenantName.IsValid(tenant))
        {
            throw new UsageException($"--tenant '{tenant}' is not a tenant name");
        }

        var result = WhitelistDirectory.Load(path, note => stderr.WriteLine($"alsafe: {note}"))
            .FirstOrDefault(r => r.Tenant == tenant);
        if (result is null)
        {
            stderr.WriteLine($"alsafe: {path} holds no whitelist of tenant {tenant} ({tenant}{TenantName.FileExtension})");
            return null;
        }

        if (!result.IsValid)
        {
            foreach (var error in result.Errors)
            {
                stderr.WriteLine(error);
            }

            stderr.WriteLine($"alsafe: {result.File} has errors: no plan is made from it");
            return null;
        }

        return result.Whitelist;
    }

    private static void WriteTable(TextWriter o, PlanOutput plan)
    {
        o.WriteLine($"# VM {plan.Vm.Name} of tenant {plan.Whitelist.Tenant} ({plan.Whitelist.File}, {plan.Whitelist.Entries.Count} entries): " +
                    $"{plan.Report.Verdicts.Count(v => v.Kind == VerdictKind.Allow)} allowed, " +
                    $"{plan.Report.Verdicts.Count(v => v.Kind == VerdictKind.Block)} blocked, {plan.Report.Discarded.Count} discarded");
        var rows = new List<string[]> { new[] { "PID", "PROCESS", "PROTO", "DIR", "LOCAL", "REMOTE", "VERDICT", "REASON" } };
        foreach (var v in plan.Report.Verdicts)
        {
            rows.Add([
                v.Process.Pid.ToString(CultureInfo.InvariantCulture),
                v.Process.ExePath ?? v.Process.Comm,
                v.Socket.Protocol.Name(),
                Direction(v.Direction),
                EndpointText.Format(v.Socket.LocalAddress, v.Socket.LocalPort),
                EndpointText.Format(v.Socket.RemoteAddress, v.Socket.RemotePort),
                v.Kind == VerdictKind.Allow ? "ALLOW" : "BLOCK",
                v.Reason,
            ]);
        }

        var widths = Enumerable.Range(0, 7).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var r in rows)
        {
            o.WriteLine(string.Join(' ', r.Take(7).Select((cell, c) => cell.PadRight(widths[c]))) + " " + r[7]);
        }

        foreach (var d in plan.Report.Discarded)
        {
            o.WriteLine($"# discarded: pid {d.Process.Pid} ({d.Process.Comm}) fd {d.Socket.Fd}: {d.Reason}");
        }

        o.WriteLine();
        o.WriteLine($"# switch: {plan.Flows.Flows.Count} flows of VM {plan.Vm.Name} (cookie 0x{plan.Flows.Cookie:x}, ovs-ofctl -O OpenFlow13 add-flows syntax)");
        o.Write(OfctlFormatter.Plan(plan.Flows));
        if (plan.Base is not null)
        {
            o.WriteLine($"# switch: {plan.Base.Flows.Count} bridge-wide flows (cookie 0x{plan.Base.Cookie:x})");
            o.Write(OfctlFormatter.Plan(plan.Base));
        }

        o.WriteLine();
        o.WriteLine($"# edge: {plan.Edge.Elements.Count} elements (nft -f syntax, table {NftFormatter.Family} {NftFormatter.Table})");
        o.Write(NftFormatter.Add(plan.Edge));
    }

    private static void WriteJson(TextWriter stdout, PlanOutput plan)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("vm", plan.Vm.Name);
            w.WriteString("tenant", plan.Whitelist.Tenant);
            w.WriteString("whitelist", plan.Whitelist.File);
            w.WriteString("cookie", $"0x{plan.Vm.Cookie:x}");
            w.WriteNumber("zone", plan.Vm.Zone);
            w.WriteNumber("ofport", plan.Vm.OfPort);
            w.WriteStartArray("verdicts");
            foreach (var v in plan.Report.Verdicts)
            {
                w.WriteStartObject();
                w.WriteNumber("pid", v.Process.Pid);
                w.WriteString("process", v.Process.Comm);
                WriteNullable(w, "exe", v.Process.ExePath);
                w.WriteNumber("uid", v.Process.Uid);
                w.WriteNumber("fd", v.Socket.Fd);
                w.WriteString("proto", v.Socket.Protocol.Name());
                WriteNullable(w, "direction", v.Direction is null ? null : Direction(v.Direction));
                WriteEndpoint(w, "local", v.Socket.LocalAddress, v.Socket.LocalPort);
                WriteEndpoint(w, "remote", v.Socket.RemoteAddress, v.Socket.RemotePort);
                w.WriteString("verdict", v.Kind == VerdictKind.Allow ? "ALLOW" : "BLOCK");
                w.WriteString("reason", v.Reason);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("discarded");
            foreach (var d in plan.Report.Discarded)
            {
                w.WriteStartObject();
                w.WriteNumber("pid", d.Process.Pid);
                w.WriteString("process", d.Process.Comm);
                w.WriteNumber("fd", d.Socket.Fd);
                w.WriteString("reason", d.Reason);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteLines(w, "flows", plan.Flows.Flows.Select(OfctlFormatter.Flow));
            if (plan.Base is not null)
            {
                WriteLines(w, "baseFlows", plan.Base.Flows.Select(OfctlFormatter.Flow));
            }

            WriteLines(w, "edge", plan.Edge.Elements.Select(e => $"{NftFormatter.SetName(e)} {{ {NftFormatter.Element(e)} }}"));
            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        stdout.Write(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static string Direction(TrafficDirection? direction) => direction switch
    {
        TrafficDirection.In => "in",
        TrafficDirection.Out => "out",
        _ => "-",
    };

    private static void WriteEndpoint(Utf8JsonWriter w, string name, IPAddress address, ushort port)
    {
        w.WriteStartObject(name);
        w.WriteString("address", address.ToString());
        w.WriteNumber("port", port);
        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteLines(Utf8JsonWriter w, string name, IEnumerable<string> lines)
    {
        w.WriteStartArray(name);
        foreach (var line in lines)
        {
            w.WriteStringValue(line);
        }

        w.WriteEndArray();
    }

    private sealed record PlanOutput(TenantWhitelist Whitelist, VmPort Vm, VerdictReport Report, FlowPlan Flows, EdgeRuleSet Edge, FlowPlan? Base);
}
