using AlSafe.Core.Whitelist;
using NUnit.Framework;
using static AlSafe.Tests.Whitelist.WhitelistText;

namespace AlSafe.Tests.Whitelist;

/// <summary>The last-good whitelists: what a reload installs, keeps and removes, and what readers see meanwhile.</summary>
public sealed class WhitelistStoreTests
{
    [Test]
    public void ValidFiles_AreInstalledPerTenant()
    {
        var store = new WhitelistStore();

        var reload = store.Apply([Valid("acme", Line(Columns)), Valid("beta", $"{Line(Columns)}\n{With(5, "80")}")]);

        Assert.That(reload.Installed, Is.EqualTo(new[] { "acme", "beta" }));
        Assert.That(reload.Rejected.Concat(reload.Removed), Is.Empty);
        Assert.That(store.TryGet("acme", out var acme), Is.True);
        Assert.That(acme!.Entries, Has.Count.EqualTo(1));
        Assert.That(store.TryGet("beta", out var beta), Is.True);
        Assert.That(beta!.Tenant, Is.EqualTo("beta"));
    }

    [Test]
    public void ATenantOnlyEverGetsItsOwnWhitelist()
    {
        var store = new WhitelistStore();
        store.Apply([Valid("acme", With(0, "*"))]);

        Assert.That(store.TryGet("beta", out var other), Is.False);
        Assert.That(other, Is.Null);
        Assert.That(store.TryGet("acme", out var own) && own.Tenant == "acme", Is.True);
    }

    [Test]
    public void ABadNewFile_KeepsTheLastGoodWhitelistAndReportsWhy()
    {
        var store = new WhitelistStore();
        store.Apply([Valid("acme", Line(Columns))]);
        store.TryGet("acme", out var good);

        var reload = store.Apply([Parse("acme", $"{With(5, "8080")}\n{With(3, "TCP")}")]);

        Assert.That(reload.Rejected, Is.EqualTo(new[] { "acme" }));
        Assert.That(reload.Installed, Is.Empty);
        Assert.That(reload.Errors.Single().ToString(), Does.EndWith("proto: 'TCP' must be lower case: tcp"));
        Assert.That(store.TryGet("acme", out var kept), Is.True);
        Assert.That(kept, Is.SameAs(good));
    }

    [Test]
    public void ABadFileOfANewTenant_InstallsNothing()
    {
        var store = new WhitelistStore();

        var reload = store.Apply([Parse("acme", With(3, "TCP"))]);

        Assert.That(reload.Rejected, Is.EqualTo(new[] { "acme" }));
        Assert.That(store.TryGet("acme", out _), Is.False);
    }

    [Test]
    public void ARemovedFile_RemovesTheTenant()
    {
        var store = new WhitelistStore();
        store.Apply([Valid("acme", Line(Columns)), Valid("beta", Line(Columns))]);

        var reload = store.Apply([Valid("beta", With(5, "80"))]);

        Assert.That(reload.Removed, Is.EqualTo(new[] { "acme" }));
        Assert.That(store.TryGet("acme", out _), Is.False);
        Assert.That(store.TryGet("beta", out var beta) && beta.Entries[0].LocalPort == PortRange.Single(80), Is.True);
    }

    [Test]
    public void AFileNamingNoTenant_IsReportedOnly()
    {
        var store = new WhitelistStore();
        var error = new WhitelistError("Bad.tsv", 1, 1, null, "does not name a tenant");

        var reload = store.Apply([WhitelistParseResult.Invalid("Bad.tsv", null, [error])]);

        Assert.That(reload.Errors, Is.EqualTo(new[] { error }));
        Assert.That(reload.Installed.Concat(reload.Rejected).Concat(reload.Removed), Is.Empty);
        Assert.That(store.Current, Is.Empty);
    }

    [Test]
    public void TwoFilesForOneTenant_AreRefusedAndChangeNothing()
    {
        var store = new WhitelistStore();
        store.Apply([Valid("acme", Line(Columns))]);
        var before = store.Current;

        Assert.That(() => store.Apply([Valid("acme", Line(Columns)), Valid("acme", With(5, "80"))]), Throws.ArgumentException);
        Assert.That(store.Current, Is.SameAs(before));
    }

    [Test]
    public void ASnapshotTakenBeforeAReload_StaysAsItWas()
    {
        var store = new WhitelistStore();
        store.Apply([Valid("acme", Line(Columns))]);
        var snapshot = store.Current;

        store.Apply([Valid("beta", Line(Columns))]);

        Assert.That(snapshot.Keys, Is.EqualTo(new[] { "acme" }));
        Assert.That(store.Current.Keys, Is.EqualTo(new[] { "beta" }));
    }

    [Test]
    public void ReadersDuringReloads_SeeOneWholeVersionOrTheOther()
    {
        var store = new WhitelistStore();
        var one = new[] { Valid("acme", Line(Columns)), Valid("beta", Line(Columns)) };
        var two = new[] { Valid("acme", $"{Line(Columns)}\n{With(5, "80")}"), Valid("beta", $"{Line(Columns)}\n{With(5, "80")}") };
        store.Apply(one);
        using var stop = new CancellationTokenSource();

        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var reads = 0;
            do
            {
                var snapshot = store.Current;
                if (snapshot["acme"].Entries.Count != snapshot["beta"].Entries.Count)
                {
                    return -1;
                }

                reads++;
            }
            while (!stop.IsCancellationRequested);

            return reads;
        })).ToArray();
        for (var i = 0; i < 2000; i++)
        {
            store.Apply(i % 2 == 0 ? two : one);
        }

        stop.Cancel();

        Assert.That(Task.WhenAll(readers).Result, Has.All.GreaterThan(0));
    }

    [Test]
    public void Reload_ReadsTheDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("alsafe-whitelist-").FullName;
        try
        {
            var store = new WhitelistStore();
            File.WriteAllText(Path.Combine(directory, "acme.tsv"), Line(Columns));
            File.WriteAllText(Path.Combine(directory, "beta.tsv"), Line(Columns));
            store.Reload(directory, _ => { });
            File.WriteAllText(Path.Combine(directory, "acme.tsv"), "garbage");
            File.Delete(Path.Combine(directory, "beta.tsv"));

            var reload = store.Reload(directory, _ => { });

            Assert.That((reload.Rejected, reload.Removed), Is.EqualTo((new[] { "acme" }, new[] { "beta" })));
            Assert.That(store.Current.Keys, Is.EqualTo(new[] { "acme" }));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static WhitelistParseResult Parse(string tenant, string text) =>
        WhitelistParser.Parse(System.Text.Encoding.UTF8.GetBytes(text), $"{tenant}.tsv", tenant);

    private static WhitelistParseResult Valid(string tenant, string text)
    {
        var result = Parse(tenant, text);
        Assert.That(result.IsValid, Is.True, string.Join('\n', result.Errors));
        return result;
    }
}
