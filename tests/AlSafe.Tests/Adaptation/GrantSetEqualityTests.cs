using System.Net;
using AlSafe.Core.Adaptation;
using AlSafe.Core.Decisions;
using AlSafe.Core.Rules;
using AlSafe.Core.Whitelist;
using NUnit.Framework;
using static AlSafe.Core.Introspection.Model.SocketProtocol;
using static AlSafe.Tests.Decisions.Lines;

namespace AlSafe.Tests.Adaptation;

public sealed class GrantSetEqualityTests
{
    private static readonly VmPort Port = new("web1", 5, MacAddress.Parse("52:54:00:00:00:05"), [IPAddress.Parse("10.0.0.5")], 5, 0x5);
    private static readonly InboundGrant Http = new(IPAddress.Parse("10.0.0.5"), Tcp, 80, Prefix("0.0.0.0/0"), PortRange.Any);
    private static readonly OutboundGrant Api = new(IPAddress.Parse("10.0.0.5"), 40000, Tcp, IPAddress.Parse("203.0.113.7"), 443);
    private static readonly GrantSet Grants = new(Port, [Http], [Api]);

    [Test]
    public void GrantSetsWithTheSameContentAreEqual()
    {
        var copy = new GrantSet(Port with { Addresses = [IPAddress.Parse("10.0.0.5")] }, [Http with { }], [Api with { }]);

        Assert.That(GrantSetEquality.Equal(Grants, copy), Is.True);
        Assert.That(GrantSetEquality.Equal(null, null), Is.True);
    }

    [Test]
    public void NoGrantsAreNotEqualToSome()
    {
        Assert.That(GrantSetEquality.Equal(Grants, null), Is.False);
        Assert.That(GrantSetEquality.Equal(null, Grants), Is.False);
        Assert.That(GrantSetEquality.Equal(Grants, Grants with { Inbound = [], Outbound = [] }), Is.False);
    }

    [Test]
    public void AnyDifferenceInThePortOrTheGrantsMakesThemDiffer()
    {
        GrantSet[] others =
        [
            Grants with { Vm = Port with { OfPort = 6 } },
            Grants with { Vm = Port with { Mac = MacAddress.Parse("52:54:00:00:00:06") } },
            Grants with { Vm = Port with { Addresses = [IPAddress.Parse("10.0.0.6")] } },
            Grants with { Vm = Port with { Addresses = [IPAddress.Parse("10.0.0.5"), IPAddress.Parse("fd00::5")] } },
            Grants with { Vm = Port with { Zone = 6 } },
            Grants with { Vm = Port with { Cookie = 6 } },
            Grants with { Inbound = [Http with { Port = 443 }] },
            Grants with { Inbound = [Http with { Remote = Prefix("198.51.100.0/24") }] },
            Grants with { Outbound = [Api with { LocalPort = 40001 }] },
            Grants with { Outbound = [Api, Api with { RemotePort = 8443 }] },
        ];

        Assert.That(others.Select(other => GrantSetEquality.Equal(Grants, other)), Is.All.False);
    }
}
