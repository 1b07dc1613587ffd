using System.Net;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Rules.Edge;
using AlSafe.Core.Whitelist;
using AlSafe.TestSupport.Edge;
using NUnit.Framework;

namespace AlSafe.Tests.Rules.Edge;

public sealed class NftJsonReaderTests
{
    private static readonly string[] Key = ["ipv4_addr", "inet_proto", "inet_service", "ipv4_addr", "inet_service"];

    [Test]
    public void Nfts_own_output_reads_back_as_the_elements_rules_and_chains_that_were_written()
    {
        var table = NftJsonReader.ReadTable(NftJsonSamples.Table);

        Assert.That(table.Exists, Is.True);
        Assert.That(table.Chains.Keys, Is.EquivalentTo(new[] { "forward", "nodes", "guard", "allow_n1", "guard_n1" }));
        Assert.That(table.Chains["forward"], Is.EqualTo(table.Chains["forward"] with { Type = "filter", Hook = "forward", Priority = 0, Policy = "accept" }));
        Assert.That(table.Chains["nodes"].Rules[0].PlainJumpTarget, Is.EqualTo("allow_n1"));
        Assert.That(table.Chains["nodes"].Rules[1].Statements, Is.EqualTo(new[] { "counter", "accept" }));
        Assert.That(table.Chains["nodes"].Rules[1].Handle, Is.EqualTo(25));
        var lookup = table.Chains["allow_n1"].Rules[2];
        Assert.That(lookup.Matches, Is.EqualTo(new[] { "ip saddr . meta l4proto . th sport . ip daddr . th dport" }));
        Assert.That(lookup.Sets, Is.EqualTo(new[] { "out4_n1" }));
        Assert.That(lookup.Statements, Is.EqualTo(new[] { "accept" }));
        Assert.That(lookup.Comment, Is.EqualTo("alsafe node n1: outbound connections ip"));
        Assert.That(table.Chains["forward"].Rules[0].Matches, Is.EqualTo(new[] { "ct state" }));

        var elements = table.Sets.Values.SelectMany(set => set.Elements);
        Assert.That(elements, Is.EquivalentTo(EdgeSamples.Web.Elements), "the wrapped element with a comment included");
        Assert.That(table.Sets["svc4_n1"].Type, Is.EqualTo(Key));
        Assert.That(table.Sets["svc4_n1"].Flags, Is.EqualTo(new[] { "interval" }));
        Assert.That(table.Sets["out4_n1"].Flags, Is.Empty);
        Assert.That(table.Sets["prot4_n1"].Prefixes, Is.EqualTo(new[] { EdgeLab.Protected[0] }));
        Assert.That(table.Sets["prot6_n1"].Prefixes, Is.EqualTo(new[] { EdgeLab.Protected[1] }));
        Assert.That(table.Sets.Values.SelectMany(set => set.Unreadable), Is.Empty);
    }

    [Test]
    public void The_table_list_says_whether_alsafes_table_exists()
    {
        const string Tables = """{"nftables":[{"metainfo":{"version":"1.0.6"}},{"table":{"family":"ip","name":"alsafe","handle":1}},{"table":{"family":"inet","name":"filter","handle":2}}]}""";

        Assert.That(NftJsonReader.ListsTable(Tables), Is.False);
        Assert.That(NftJsonReader.ListsTable(Tables.Replace("\"ip\"", "\"inet\"", StringComparison.Ordinal)), Is.True);
        Assert.That(NftJsonReader.ReadTable(Tables), Is.SameAs(EdgeTableState.Absent));
    }

    [TestCase("")]
    [TestCase("not json")]
    [TestCase("[]")]
    [TestCase("""{"nftables":{}}""")]
    [TestCase("""{"something":[]}""")]
    [TestCase("""{"nftables":[{"table":{"family":"inet","name":"alsafe"}}""")]
    public void An_answer_that_is_not_nfts_json_is_refused(string json) =>
        Assert.Throws<FormatException>(() => NftJsonReader.ReadTable(json));

    [Test]
    public void Nesting_far_deeper_than_nfts_is_refused_before_it_costs_anything()
    {
        var deep = """{"nftables":[""" + new string('[', 5000) + new string(']', 5000) + "]}";

        Assert.That(() => NftJsonReader.ReadTable(deep), Throws.TypeOf<FormatException>().With.Message.Contains("depth"));
    }

    [Test]
    public void Objects_of_other_tables_and_of_unknown_kinds_are_ignored()
    {
        var table = NftJsonReader.ReadTable(Document(
            """{"table":{"family":"inet","name":"alsafe"}}""",
            """{"set":{"family":"ip","table":"alsafe","name":"svc4_n1","type":"ipv4_addr"}}""",
            """{"chain":{"family":"inet","table":"other","name":"forward"}}""",
            """{"flowtable":{"family":"inet","table":"alsafe","name":"f"}}""",
            "42",
            """{"set":{"family":"inet","table":"alsafe","name":7}}""",
            """{"rule":{"family":"inet","table":"alsafe","chain":"nowhere","expr":[]}}"""));

        Assert.That(table.Exists, Is.True);
        Assert.That(table.Sets, Is.Empty);
        Assert.That(table.Chains, Is.Empty);
    }

    [TestCase("""["192.0.2.10","tcp",70000,"203.0.113.1",80]""", TestName = "a port beyond 65535")]
    [TestCase("""["192.0.2.10","sctp",80,"203.0.113.1",80]""", TestName = "a protocol other than tcp and udp")]
    [TestCase("""["192.0.2.10",132,80,"203.0.113.1",80]""", TestName = "a protocol number other than 6 and 17")]
    [TestCase("""["192.0.2.10","tcp",80,{"prefix":{"addr":"10.0.0.0","len":33}},80]""", TestName = "a prefix longer than the family")]
    [TestCase("""["192.0.2.10","tcp",80,{"prefix":{"addr":"10.0.0.1","len":8}},80]""", TestName = "a prefix with host bits")]
    [TestCase("""["192.0.2.10","tcp",80,{"prefix":{"addr":"10.0.0.0","len":-1}},80]""", TestName = "a negative prefix length")]
    [TestCase("""["192.0.2.10","tcp",80,{"range":["10.0.0.1","10.0.0.7"]},80]""", TestName = "an address range that is no prefix")]
    [TestCase("""["fd00::10","tcp",80,"203.0.113.1",80]""", TestName = "an IPv6 address in an IPv4 set")]
    [TestCase("""["192.0.2.10","tcp",80,"10.1",80]""", TestName = "a short IPv4 form")]
    [TestCase("""["192.0.2.10","tcp",80," 10.0.0.1",80]""", TestName = "an address with a space")]
    [TestCase("""["192.0.2.10","tcp",{"range":[80,81]},"203.0.113.1",80]""", TestName = "a range of VM ports")]
    [TestCase("""["192.0.2.10","tcp",80,"203.0.113.1",{"range":[90,80]}]""", TestName = "a reversed port range")]
    [TestCase("""["192.0.2.10","tcp",80,"203.0.113.1"]""", TestName = "four fields")]
    [TestCase("""["192.0.2.10","tcp",80,"203.0.113.1",80,1]""", TestName = "six fields")]
    [TestCase("""[null,null,null,null,null]""", TestName = "nulls")]
    public void An_element_that_does_not_read_is_kept_as_unreadable(string fields)
    {
        var table = NftJsonReader.ReadTable(Document(
            """{"table":{"family":"inet","name":"alsafe"}}""",
            Set("out4_n1", FiveFields, $$"""[{"concat":{{fields}}},{"concat":["192.0.2.10","udp","53","203.0.113.1",53]}]""")));

        var set = table.Sets["out4_n1"];
        Assert.That(set.Unreadable, Has.Count.EqualTo(1));
        Assert.That(set.Unreadable[0], Does.Contain("concat"));
        Assert.That(set.Elements, Is.EqualTo(new[]
        {
            new EdgeElement(TrafficDirection.Out, IPAddress.Parse("192.0.2.10"), SocketProtocol.Udp, 53, AddressPrefix.Host(IPAddress.Parse("203.0.113.1")), PortRange.Single(53)),
        }));
    }

    [Test]
    public void Elements_of_a_set_that_is_no_alsafe_element_set_are_unreadable_and_long_ones_are_cut()
    {
        var filler = new string('x', 5000);
        var table = NftJsonReader.ReadTable(Document(
            """{"table":{"family":"inet","name":"alsafe"}}""",
            Set("mine", FiveFields, """[{"concat":["192.0.2.10","udp",53,"203.0.113.1",53]}]"""),
            Set("prot4_n1", "\"ipv4_addr\"", $$$"""["{{{filler}}}", 5, {"prefix":{"addr":"10.0.0.0","len":8}}]"""),
            """{"set":{"family":"inet","table":"alsafe","name":"svc4_n1","type":7,"elem":{"concat":[]}}}"""));

        Assert.That(table.Sets["mine"].Unreadable, Has.Count.EqualTo(1));
        Assert.That(table.Sets["prot4_n1"].Prefixes, Is.EqualTo(new[] { AddressPrefix.Create(IPAddress.Parse("10.0.0.0"), 8) }));
        Assert.That(table.Sets["prot4_n1"].Unreadable, Has.Count.EqualTo(2));
        Assert.That(table.Sets["prot4_n1"].Unreadable[0], Has.Length.LessThan(300).And.EndWith("..."));
        Assert.That(table.Sets["svc4_n1"].Type, Is.EqualTo(new[] { "?" }));
        Assert.That(table.Sets["svc4_n1"].Unreadable, Has.Count.EqualTo(1));
    }

    [Test]
    public void Rules_of_odd_shapes_are_read_as_far_as_they_go()
    {
        var table = NftJsonReader.ReadTable(Document(
            """{"table":{"family":"inet","name":"alsafe"}}""",
            """{"chain":{"family":"inet","table":"alsafe","name":"nodes","prio":"high"}}""",
            """{"rule":{"family":"inet","table":"alsafe","chain":"nodes","comment":5,"expr":"accept"}}""",
            """{"rule":{"family":"inet","table":"alsafe","chain":"nodes","handle":3,"expr":[1,{"jump":{}},{"goto":{"target":"allow_x"}}]}}""",
            """{"rule":{"family":"inet","table":"alsafe","chain":"nodes","handle":4,"expr":[{"match":{"op":"==","left":{"payload":{"base":"nh","offset":1,"len":8}},"right":"@s"}},{"match":{}},{"drop":null}]}}"""));

        var rules = table.Chains["nodes"].Rules;
        Assert.That(table.Chains["nodes"].Priority, Is.Null);
        Assert.That(rules[0], Is.EqualTo(rules[0] with { Handle = 0, Comment = null }));
        Assert.That(rules[0].Statements, Is.EqualTo(new[] { "?" }));
        Assert.That(rules[1].Statements, Is.EqualTo(new[] { "?", "jump ?", "goto allow_x" }));
        Assert.That(rules[1].Enters("allow_x"), Is.True);
        Assert.That(rules[1].PlainJumpTarget, Is.Null);
        Assert.That(rules[2].Matches, Is.EqualTo(new[] { "payload", "?" }));
        Assert.That(rules[2].Sets, Is.EqualTo(new[] { "s" }));
    }

    [Test]
    public void A_set_named_twice_keeps_the_last()
    {
        var table = NftJsonReader.ReadTable(Document(
            """{"table":{"family":"inet","name":"alsafe"}}""",
            """{"set":{"family":"inet","table":"alsafe","name":"prot4_n1","type":"ipv4_addr","elem":["10.0.0.1"]}}""",
            """{"set":{"family":"inet","table":"alsafe","name":"prot4_n1","type":"ipv4_addr","elem":["10.0.0.2"]}}"""));

        Assert.That(table.Sets["prot4_n1"].Prefixes, Is.EqualTo(new[] { AddressPrefix.Host(IPAddress.Parse("10.0.0.2")) }));
    }

    private const string FiveFields = """["ipv4_addr","inet_proto","inet_service","ipv4_addr","inet_service"]""";

    private static string Set(string name, string type, string elements) =>
        $$$"""{"set":{"family":"inet","table":"alsafe","name":"{{{name}}}","type":{{{type}}},"elem":{{{elements}}}}}""";

    private static string Document(params string[] objects) => $$"""{"nftables":[{{string.Join(",", objects)}}]}""";
}
