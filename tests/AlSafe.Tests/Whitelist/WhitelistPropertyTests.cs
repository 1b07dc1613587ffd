using System.Net;
using System.Text;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Whitelist;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;
using static AlSafe.Tests.Whitelist.WhitelistText;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;

namespace AlSafe.Tests.Whitelist;

/// <summary>
/// Properties over arbitrary input: parsing never throws, and every entry it yields is sound and stands for its own
/// line, so no input can smuggle in a rule that its text does not plainly state.
/// </summary>
public sealed class WhitelistPropertyTests
{
    /// <summary>Valid and invalid forms of each column, so that generated lines are often entries and otherwise near misses.</summary>
    private static readonly (string[] Valid, string[] Invalid)[] Forms =
    [
        (["*", "web-1", "db.2", "Web_3"], ["-x", "a b", "", " web", new string('v', 65)]),
        (["/usr/sbin/nginx", "nginx", "/opt/my app/x", "café", "\\x01a", "**"], ["*", "/usr//x", "a/b", "/x/", "abcdefghijklmnop", "/a/../b"]),
        (["*", "0", "33", "4294967294"], ["4294967295", "01", "root", "-1"]),
        (["tcp", "udp"], ["TCP", "icmp", ""]),
        (["in", "out"], ["IN", "both"]),
        (["*", "1", "80", "65535", "8000-8080"], ["0", "65536", "090", "9-1", "1-2-3"]),
        (["*", "192.0.2.1", "192.0.2.0/24", "2001:db8::/32", "::1", "0.0.0.0/0", "::ffff:10.0.0.1"], ["192.0.2.1/24", "127.1", "fe80::1%1", "[::1]"]),
        (["*", "1", "53", "1024-65535"], ["0", "x"]),
    ];

    private static readonly Gen<string> Separator =
        Gen.Frequency((30, Gen.Constant("\t")), (1, Gen.Elements(" ", "", "\t\t", "  ")));

    private static readonly Gen<string> CleanEnd = Gen.Elements("\n", "\r\n", " # note\n", "\t#\n", "\n# comment\n", "\n\n");

    private static readonly Gen<string> NoisyEnd = Gen.Elements("\r", "", "\u202e\n", "\0\n", "\t\n");

    /// <summary>Mostly clean lines (valid forms, tabs, ordinary ends), the rest with some invalid form or separator.</summary>
    private static readonly Gen<string> AnyLine =
        from clean in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
        from columns in Gen.CollectToArray(Forms.Select(f => clean
            ? Gen.Elements(f.Valid)
            : Gen.Frequency((3, Gen.Elements(f.Valid)), (1, Gen.Elements(f.Invalid)))))
        from separators in Gen.CollectToArray(Enumerable.Repeat(clean ? Gen.Constant("\t") : Separator, 7))
        from end in clean ? CleanEnd : Gen.OneOf(CleanEnd, NoisyEnd)
        select string.Concat(columns.Zip(separators, (c, s) => c + s)) + columns[^1] + end;

    private static readonly Gen<byte[]> AnyFile =
        from count in Gen.Choose(0, 6)
        from lines in Gen.CollectToArray(Enumerable.Repeat(AnyLine, count))
        from bom in Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true)))
        select (bom ? Encoding.UTF8.GetPreamble() : []).Concat(Encoding.UTF8.GetBytes(string.Concat(lines))).ToArray();

    /// <summary>Replacement bytes for mutations: mostly ones that matter to the format, so some mutants stay valid.</summary>
    private static readonly Gen<byte> MutationByte = Gen.Frequency(
        (3, Gen.Elements("\t\n\r #*/:.-0123456789abcdef"u8.ToArray())), (1, Gen.Choose(0, 255).Select(b => (byte)b)));

    /// <summary>A few byte replacements (position, value): more would leave hardly any mutant valid.</summary>
    private static readonly Gen<(int At, byte Value)[]> Mutations =
        from count in Gen.Choose(1, 3)
        from mutations in Gen.CollectToArray(Enumerable.Repeat(Gen.Zip(Gen.Choose(0, int.MaxValue), MutationByte), count))
        select mutations;

    /// <summary>Bytes that matter to the format, so random arrays exercise it rather than only the UTF-8 check.</summary>
    private static readonly Gen<byte[]> FormatBytes =
        Gen.ArrayOf(Gen.Elements("\t\n\r #*/:.-0123456789abcdeftcpudpinout\\x"u8.ToArray().Concat(new byte[] { 0, 0x7F, 0xC3, 0xA9, 0xFF, 0xEF, 0xBB, 0xBF }).ToArray()));

    private static readonly Gen<WhitelistEntry> AnyEntry =
        from vm in Gen.Elements<string?>(null, "web-1", "a", "DB.primary_2")
        from process in Gen.Elements("/usr/sbin/nginx", "nginx", "/opt/my app/bin/x", "a\\x01b", "/usr/bin/python3.11", "café")
        from uid in Gen.Frequency((1, Gen.Constant<uint?>(null)), (1, Gen.Elements<uint?>(0, 4294967294)), (3, Gen.Choose(0, int.MaxValue).Select(u => (uint?)u)))
        from protocol in Gen.Elements(SocketProtocol.Tcp, SocketProtocol.Udp)
        from direction in Gen.Elements(TrafficDirection.In, TrafficDirection.Out)
        from local in AnyPorts
        from remote in AnyPrefix
        from remotePort in AnyPorts
        select new WhitelistEntry(FileName, 1, vm, new ProcessPattern(process), uid, protocol, direction, local, remote, remotePort);

    private static Gen<PortRange> AnyPorts =>
        from a in Gen.Choose(1, 65535)
        from b in Gen.Choose(1, 65535)
        from shape in Gen.Choose(0, 2)
        select shape switch
        {
            0 => PortRange.Any,
            1 => PortRange.Single((ushort)a),
            _ => new PortRange((ushort)Math.Min(a, b), (ushort)Math.Max(a, b)),
        };

    private static Gen<AddressPrefix> AnyPrefix =>
        from any in Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false)))
        from v6 in Gen.Elements(false, true)
        from bytes in Gen.CollectToArray(Enumerable.Repeat(Gen.Frequency((1, Gen.Constant(0)), (1, Gen.Constant(0xFF)), (2, Gen.Choose(0, 255))), 16))
        from length in Gen.Choose(0, 128)
        select any ? AddressPrefix.Any : Prefix(bytes.Select(b => (byte)b).Take(v6 ? 16 : 4).ToArray(), v6 ? length : length / 4);

    [Property(MaxTest = 500)]
    public bool RandomBytes_NeverThrowAndYieldOnlySoundEntries(byte[] bytes) => Sound(bytes);

    [Property(MaxTest = 300)]
    public Property FormatHeavyBytes_NeverThrowAndYieldOnlySoundEntries() =>
        Prop.ForAll(FormatBytes.ToArbitrary(), Sound);

    [Property(MaxTest = 300)]
    public Property GeneratedFiles_YieldOnlySoundEntries() =>
        Prop.ForAll(AnyFile.ToArbitrary(), Sound);

    [Property(MaxTest = 300)]
    public Property MutatedFiles_NeverThrowAndYieldOnlySoundEntries() =>
        Prop.ForAll(
            AnyFile.ToArbitrary(),
            Mutations.ToArbitrary(),
            (file, mutations) =>
            {
                var bytes = (byte[])file.Clone();
                foreach (var (at, value) in mutations.Where(_ => bytes.Length > 0))
                {
                    bytes[at % bytes.Length] = value;
                }

                return Sound(bytes);
            });

    [Property(MaxTest = 500)]
    public Property FormattedEntries_ParseBackToThemselves() =>
        Prop.ForAll(Gen.ListOf(AnyEntry).ToArbitrary(), entries =>
        {
            var distinct = entries.DistinctBy(Columns8).ToList();
            var text = string.Concat(distinct.Select(e => WhitelistFormatter.Format(e) + "\n"));

            var parsed = Parse(text).Whitelist?.Entries;

            return parsed is not null && parsed.Select(Columns8).SequenceEqual(distinct.Select(Columns8));
        });

    [TestCase("*\tnginx\t*\ttcp\tin\t*\t*\t*")]
    [TestCase("web-1\t/opt/my app/x\t1000\tudp\tout\t1-1024\t2001:db8::/32\t53")]
    [TestCase("db\tmysqld\t0\ttcp\tin\t3306\t192.0.2.7\t*")]
    public void Format_WritesTheCanonicalLine(string line) =>
        Assert.That(WhitelistFormatter.Format(Single(line)), Is.EqualTo(line));

    /// <summary>
    /// Parsing did not throw, and every entry is sound: its process is named, its ports are real, and both its own
    /// source line alone and its formatted form parse to the same entry.
    /// </summary>
    private static bool Sound(byte[] bytes)
    {
        var result = Parse(bytes);
        if (!result.IsValid)
        {
            return result.Errors.Count is > 0 and <= WhitelistLimits.MaxErrors + 1
                   && result.Errors.All(e => e.Line >= 1 && e.Column >= 1 && e.File == FileName);
        }

        var lines = SourceLines(bytes);
        foreach (var entry in result.Whitelist.Entries)
        {
            var ownLine = Parse(lines[entry.Line - 1]).Whitelist?.Entries;
            var formatted = Parse(WhitelistFormatter.Format(entry)).Whitelist?.Entries;
            if (entry.Process.Text is "*" or "" || !Real(entry.LocalPort) || !Real(entry.RemotePort)
                || ownLine is not [var own] || Columns8(own) != Columns8(entry)
                || formatted is not [var again] || Columns8(again) != Columns8(entry))
            {
                return false;
            }
        }

        return true;
    }

    private static bool Real(PortRange ports) => ports.IsAny || (ports.First >= 1 && ports.First <= ports.Last);

    private static byte[][] SourceLines(byte[] bytes)
    {
        var content = bytes.AsSpan().StartsWith(Encoding.UTF8.GetPreamble()) ? bytes[3..] : bytes;
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i <= content.Length; i++)
        {
            if (i == content.Length || content[i] == (byte)'\n')
            {
                lines.Add(content[start..i]);
                start = i + 1;
            }
        }

        return [.. lines];
    }

    private static AddressPrefix Prefix(byte[] address, int length)
    {
        for (var i = 0; i < address.Length; i++)
        {
            address[i] &= (byte)(0xFF00 >> Math.Clamp(length - (i * 8), 0, 8));
        }

        return AddressPrefix.Create(new IPAddress(address), length);
    }
}
