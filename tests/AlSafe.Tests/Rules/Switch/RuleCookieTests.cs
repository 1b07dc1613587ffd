using AlSafe.Core.Rules.Switch;
using PropertyAttribute = FsCheck.NUnit.PropertyAttribute;
using NUnit.Framework;

namespace AlSafe.Tests.Rules.Switch;

public sealed class RuleCookieTests
{
    // Pinned values: a daemon restarted on another build must find the flows an older build installed.
    [TestCase("web1", 0xa15a3df619ea7d3dUL)]
    [TestCase("db", 0xa15a4e07b53ba972UL)]
    [TestCase("édge", 0xa15a430e3d679bd0UL)]
    public void AVmCookieIsStableAcrossBuilds(string name, ulong cookie) =>
        Assert.That(RuleCookie.ForVm(name), Is.EqualTo(cookie));

    [Property(MaxTest = 500)]
    public bool EveryVmCookieIsInTheAlSafeNamespaceAndNeverTheBase(FsCheck.NonEmptyString name)
    {
        var cookie = RuleCookie.ForVm(name.Get);
        return (cookie & RuleCookie.NamespaceMask) == RuleCookie.Base && cookie != RuleCookie.Base && RuleCookie.IsVmCookie(cookie);
    }

    [Test]
    public void TheBaseCookieIsNoVmsCookieAndForeignCookiesAreNeither()
    {
        Assert.That(RuleCookie.IsVmCookie(RuleCookie.Base), Is.False);
        Assert.That(RuleCookie.IsVmCookie(0x1234), Is.False);
        Assert.That(RuleCookie.IsVmCookie(0xa15b_0000_0000_0001), Is.False);
    }

    [Test]
    public void ANamelessVmHasNoCookie() =>
        Assert.That(() => RuleCookie.ForVm(""), Throws.ArgumentException);
}
