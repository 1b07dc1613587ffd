using System.Security.Cryptography;
using AlSafe.Core.Adaptation.Handoff;
using AlSafe.Core.Configuration;
using AlSafe.Daemon.Configuration;
using Mono.Unix.Native;
using NUnit.Framework;

namespace AlSafe.Tests.Configuration;

/// <summary>alsafe.conf's [migration] section and the key file it names.</summary>
public sealed class MigrationSettingsTests
{
    private string _directory = "";
    private string _path = "";

    [SetUp]
    public void CreateDirectory()
    {
        _directory = Directory.CreateTempSubdirectory("alsafe-migration-").FullName;
        _path = Path.Combine(_directory, "alsafe.conf");
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void WithoutTheSection_ThereIsNoMigration() => Assert.That(Load("").Migration, Is.Null);

    [Test]
    public void TheKeyIsRequired_AndMaxAgeDefaultsToTenMinutes()
    {
        Assert.That(Load("[migration]\nkey = /etc/alsafe/migration.key\n").Migration,
            Is.EqualTo(new MigrationSettings("/etc/alsafe/migration.key", TimeSpan.FromMinutes(10))));
        Assert.That(Load("[migration]\nkey = /k\nmax_age = 90s\n").Migration!.MaxAge, Is.EqualTo(TimeSpan.FromSeconds(90)));
        Assert.That(Errors("[migration]\nmax_age = 5m\n"), Is.EqualTo(new[] { $"{_path}:1: [migration] key: is required" }));
    }

    [TestCase("key = relative.key", "[migration] key:")]
    [TestCase("key = /k\nmax_age = 0s", "[migration] max_age:")]
    [TestCase("key = /k\nmax_age = 2h", "[migration] max_age:")]
    [TestCase("key = /k\nsecret = x", "[migration] secret: is not a key of [migration]: the keys are key, max_age")]
    public void BadValues_AreErrorsAtTheirKey(string body, string error)
    {
        Assert.That(Errors("[migration]\n" + body + "\n"), Has.One.Contains(error));
    }

    [Test]
    public void AKeyOfEnoughRandomBytes_Loads()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var path = KeyFile(key, "0600");

        Assert.That(MigrationKeyFile.Load(path, trustedFilesOnly: true), Is.EqualTo(key));
    }

    [Test]
    public void AShortKey_IsRefused()
    {
        var path = KeyFile(new byte[31], "0600");

        var e = Assert.Throws<HandoffException>(() => MigrationKeyFile.Load(path, trustedFilesOnly: true))!;

        Assert.That((e.Reason, e.Message), Is.EqualTo((HandoffRefusal.NoKey,
            $"[migration] key {path} has 31 bytes: at least 32 random bytes are needed")));
    }

    [Test]
    public void AKeyOthersCanRead_IsRefusedWhenFilesMustBeTrusted()
    {
        Assume.That(Syscall.getuid(), Is.Zero, "the trust checks are tested as root");
        var path = KeyFile(RandomNumberGenerator.GetBytes(32), "0644");

        var e = Assert.Throws<HandoffException>(() => MigrationKeyFile.Load(path, trustedFilesOnly: true))!;

        Assert.That(e.Reason, Is.EqualTo(HandoffRefusal.NoKey));
        Assert.That(e.Message, Does.StartWith($"[migration] key refused: {path} is untrusted"));
        Assert.That(MigrationKeyFile.Load(path, trustedFilesOnly: false), Has.Length.EqualTo(32));
    }

    [Test]
    public void AMissingKey_IsRefused()
    {
        var e = Assert.Throws<HandoffException>(() => MigrationKeyFile.Load(Path.Combine(_directory, "none"), trustedFilesOnly: false))!;

        Assert.That(e.Reason, Is.EqualTo(HandoffRefusal.NoKey));
        Assert.That(e.Message, Does.Contain("cannot be read"));
    }

    private string KeyFile(byte[] key, string mode)
    {
        var path = Path.Combine(_directory, "migration.key");
        File.WriteAllBytes(path, key);
        Assert.That(Syscall.chmod(path, NativeConvert.FromOctalPermissionString(mode)), Is.Zero);
        return path;
    }

    private DaemonOptions Load(string text)
    {
        File.WriteAllText(_path, text);
        return DaemonOptionsReader.Load(_path, "compute-07");
    }

    private IEnumerable<string> Errors(string text)
    {
        File.WriteAllText(_path, text);
        return Assert.Throws<ConfigurationException>(() => DaemonOptionsReader.Load(_path, "compute-07"))!.Errors.Select(e => e.ToString());
    }
}
