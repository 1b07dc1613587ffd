using System.Text.Json;
using AlSafe.Interop.Ovsdb;
using NUnit.Framework;

namespace AlSafe.Tests.Interop.Ovsdb;

public sealed class OvsdbDataDecoderTests
{
    private const string Row = "0e7b2f36-4cc3-4b4c-9d3e-0c5e3c2b1a00";

    [Test]
    public void Atoms_decode_to_their_kinds()
    {
        Assert.That(Datum("\"tap1\"").GetString(), Is.EqualTo("tap1"));
        Assert.That(Datum("7").Elements.Single().AsInteger(), Is.EqualTo(7));
        Assert.That(Datum("-1").GetOptionalInteger(), Is.EqualTo(-1));
        Assert.That(Datum("1.5").Elements.Single().AsReal(), Is.EqualTo(1.5));
        Assert.That(Datum("true").Elements.Single().AsBoolean(), Is.True);
        Assert.That(Datum($"""["uuid","{Row}"]""").Elements.Single().AsUuid(), Is.EqualTo(Guid.Parse(Row)));
    }

    [Test]
    public void Sets_decode_to_their_elements_and_an_empty_set_is_an_absent_optional()
    {
        Assert.That(Datum("""["set",[]]""").GetOptionalInteger(), Is.Null);
        Assert.That(Datum("""["set",[]]""").GetOptionalString(), Is.Null);
        Assert.That(Datum($"""["set",[["uuid","{Row}"],["uuid","{Row.Replace('0', '1')}"]]]""").GetUuids(), Has.Count.EqualTo(2));
        Assert.That(Datum($"""["uuid","{Row}"]""").GetUuids(), Is.EqualTo(new[] { Guid.Parse(Row) }));
    }

    [Test]
    public void Maps_decode_to_string_dictionaries()
    {
        var map = Datum("""["map",[["alsafe-vm","web1"],["attached-mac","52:54:00:00:00:01"]]]""").GetStringMap();

        Assert.That(map, Is.EqualTo(new Dictionary<string, string> { ["alsafe-vm"] = "web1", ["attached-mac"] = "52:54:00:00:00:01" }));
        Assert.That(Datum("""["map",[]]""").GetStringMap(), Is.Empty);
    }

    [TestCase("""["named-uuid","row1"]""")]
    [TestCase("""["uuid","not-a-uuid"]""")]
    [TestCase("""["uuid",5]""")]
    [TestCase("""["set",5]""")]
    [TestCase("""["set",[["set",[]]]]""")]
    [TestCase("""["map",[["k"]]]""")]
    [TestCase("""["map",{"k":"v"}]""")]
    [TestCase("""{"k":"v"}""")]
    [TestCase("null")]
    [TestCase("[1,2,3]")]
    [TestCase("\"\\udc00\"")]
    [TestCase("""["map",[["\ud800x","v"]]]""")]
    public void Anything_else_is_refused(string json)
    {
        Assert.Throws<OvsdbException>(() => Datum(json));
    }

    [TestCase("\"tap1\"", "GetOptionalInteger")]
    [TestCase("""["set",["a","b"]]""", "GetString")]
    [TestCase("""["set",[1,2]]""", "GetOptionalInteger")]
    [TestCase("""["map",[["k",1]]]""", "GetStringMap")]
    [TestCase("""["map",[["k","a"],["k","b"]]]""", "GetStringMap")]
    [TestCase("""["set",[]]""", "GetStringMap")]
    [TestCase("""["map",[]]""", "GetUuids")]
    public void A_column_of_an_unexpected_shape_is_refused(string json, string accessor)
    {
        var datum = Datum(json);

        Assert.Throws<OvsdbException>(() => _ = accessor switch
        {
            "GetString" => (object)datum.GetString(),
            "GetOptionalInteger" => datum.GetOptionalInteger()!,
            "GetStringMap" => datum.GetStringMap(),
            _ => datum.GetUuids(),
        });
    }

    [Test]
    public void Table_updates_flatten_to_row_updates_in_order()
    {
        var updates = Updates("""
            {"Interface": {
                "ROW1": {"new": {"name": "tap1", "ofport": ["set", []]}},
                "ROW2": {"old": {"ofport": ["set", []]}, "new": {"name": "tap2", "ofport": 5}},
                "ROW3": {"old": {"name": "tap3"}}},
             "Port": {}}
            """.Replace("ROW1", Row, StringComparison.Ordinal).Replace("ROW2", Row.Replace('0', '2'), StringComparison.Ordinal)
            .Replace("ROW3", Row.Replace('0', '3'), StringComparison.Ordinal));

        Assert.That(updates.Select(u => (u.Table, u.Uuid.ToString()[..8], u.Old is null, u.IsDelete)),
            Is.EqualTo(new[] { ("Interface", "0e7b2f36", true, false), ("Interface", "2e7b2f36", false, false), ("Interface", "3e7b2f36", false, true) }));
        Assert.That(updates[1].New!["ofport"].GetOptionalInteger(), Is.EqualTo(5));
    }

    [TestCase("""{"Interface": {"nope": {"new": {}}}}""")]
    [TestCase("""{"Interface": {"0e7b2f36-4cc3-4b4c-9d3e-0c5e3c2b1a00": {}}}""")]
    [TestCase("""{"Interface": {"0e7b2f36-4cc3-4b4c-9d3e-0c5e3c2b1a00": {"new": 5}}}""")]
    [TestCase("""{"Interface": []}""")]
    [TestCase("""{"Inter\ud800face": {}}""")]
    [TestCase("[]")]
    public void Malformed_table_updates_are_refused(string json)
    {
        Assert.Throws<OvsdbException>(() => Updates(json));
    }

    private static OvsdbDatum Datum(string json)
    {
        using var document = JsonDocument.Parse(json);
        return OvsdbDataDecoder.DecodeDatum(document.RootElement);
    }

    private static List<OvsdbRowUpdate> Updates(string json)
    {
        using var document = JsonDocument.Parse(json);
        return OvsdbDataDecoder.DecodeTableUpdates(document.RootElement);
    }
}
