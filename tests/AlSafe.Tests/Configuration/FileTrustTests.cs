using AlSafe.Daemon.Configuration;
using Mono.Unix.Native;
using NUnit.Framework;

namespace AlSafe.Tests.Configuration;

/// <summary>The trust checks, on real files whose owner and mode the test sets (the tests run as root).</summary>
public sealed class FileTrustTests
{
    private const uint OtherUser = 1000;

    private string _directory = "";

    [SetUp]
    public void CreateDirectory()
    {
        Assume.That(Syscall.getuid(), Is.Zero, "the trust checks are tested as root, who can give files away");
        _directory = Directory.CreateTempSubdirectory("alsafe-trust-").FullName;
    }

    [TearDown]
    public void DeleteDirectory()
    {
        if (_directory.Length > 0)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [TestCase("0644")]
    [TestCase("0600")]
    [TestCase("0400")]
    [TestCase("0755")]
    public void ARootFileOnlyRootCanWrite_IsTrusted(string mode) =>
        Assert.That(FileTrust.CheckFile(Create("a.conf", mode)), Is.Null);

    [TestCase("0664")]
    [TestCase("0646")]
    [TestCase("0666")]
    [TestCase("0620")]
    public void AFileGroupOrOthersCanWrite_IsRefused(string mode)
    {
        var path = Create("a.conf", mode);

        Assert.That(FileTrust.CheckFile(path), Is.EqualTo(
            $"{path} is untrusted: writable by group or others (mode {mode}); only root may be able to change what the daemon trusts (chown root, chmod go-w)"));
    }

    [Test]
    public void AFileOwnedByAnotherUser_IsRefused()
    {
        var path = Create("a.conf", "0644", OtherUser);

        Assert.That(FileTrust.CheckFile(path), Is.EqualTo(
            $"{path} is untrusted: owned by uid 1000, not root (mode 0644); only root may be able to change what the daemon trusts (chown root, chmod go-w)"));
    }

    [Test]
    public void EveryProblem_IsInTheOneMessage()
    {
        var path = Create("a.conf", "0666", OtherUser);

        Assert.That(FileTrust.CheckFile(path), Does.StartWith($"{path} is untrusted: owned by uid 1000, not root, writable by group or others (mode 0666); "));
    }

    [Test]
    public void AFileOwnedByAnotherGroup_IsTrustedWhenTheGroupCannotWrite()
    {
        var path = Create("a.conf", "0640");
        Assert.That(Syscall.chown(path, 0, OtherUser), Is.Zero);

        Assert.That(FileTrust.CheckFile(path), Is.Null);
    }

    [TestCase("0600", true)]
    [TestCase("0400", true)]
    [TestCase("0640", false)]
    [TestCase("0604", false)]
    [TestCase("0644", false)]
    public void APrivateKey_MayNotBeReadByOthersEither(string mode, bool trusted)
    {
        var path = Create("key", mode);

        Assert.That(FileTrust.CheckPrivateKey(path), trusted ? Is.Null : Is.EqualTo(
            $"{path} is untrusted: readable by group or others (mode {mode}); a private key must belong to root with mode 0600"));
        Assert.That(FileTrust.CheckFile(path), Is.Null);
    }

    [Test]
    public void APrivateKeyOfAnotherUser_IsRefused()
    {
        var path = Create("key", "0600", OtherUser);

        Assert.That(FileTrust.CheckPrivateKey(path), Does.StartWith($"{path} is untrusted: owned by uid 1000, not root (mode 0600)"));
    }

    [Test]
    public void ALink_IsFollowed_AndItsTargetChecked()
    {
        var good = Create("good.conf", "0644");
        var bad = Create("bad.conf", "0666");
        var toGood = Link("to-good.conf", good);
        var toBad = Link("to-bad.conf", bad);

        Assert.That(FileTrust.CheckFile(toGood), Is.Null);
        Assert.That(FileTrust.CheckFile(toBad), Does.StartWith($"{toBad} (a link to {bad}) is untrusted: writable by group or others (mode 0666)"));
    }

    [Test]
    public void WhatIsNotARegularFile_IsRefused()
    {
        var fifo = Path.Combine(_directory, "fifo.conf");
        Assert.That(Syscall.mkfifo(fifo, NativeConvert.FromOctalPermissionString("0644")), Is.Zero);
        var dangling = Link("dangling.conf", Path.Combine(_directory, "gone"));
        var missing = Path.Combine(_directory, "missing.conf");

        Assert.That(FileTrust.CheckFile(fifo), Is.EqualTo($"{fifo} is a FIFO, not a regular file"));
        Assert.That(FileTrust.CheckFile(_directory), Is.EqualTo($"{_directory} is a directory, not a regular file"));
        Assert.That(FileTrust.CheckFile(dangling), Does.StartWith($"{dangling} is a link to a file that cannot be checked: "));
        Assert.That(FileTrust.CheckFile(missing), Does.StartWith($"{missing} cannot be checked: "));
        Assert.That(FileTrust.CheckPrivateKey("/dev/null"), Is.EqualTo("/dev/null is a character device, not a regular file"));
    }

    [TestCase("0755", true)]
    [TestCase("0700", true)]
    [TestCase("0775", false)]
    [TestCase("0757", false)]
    [TestCase("1777", false)]
    public void ADirectory_MayBeChangedByRootOnly(string mode, bool trusted)
    {
        var path = Path.Combine(_directory, "vms.d");
        Directory.CreateDirectory(path);
        Assert.That(Syscall.chmod(path, NativeConvert.FromOctalPermissionString(mode)), Is.Zero);

        Assert.That(FileTrust.CheckDirectory(path), trusted ? Is.Null : Does.StartWith($"{path} is untrusted: writable by group or others (mode {mode})"));
    }

    [Test]
    public void ADirectoryOfAnotherUser_OrAFile_IsRefusedAsADirectory()
    {
        var path = Path.Combine(_directory, "vms.d");
        Directory.CreateDirectory(path);
        Assert.That(Syscall.chown(path, OtherUser, 0), Is.Zero);
        var file = Create("a.conf", "0644");

        Assert.That(FileTrust.CheckDirectory(path), Does.StartWith($"{path} is untrusted: owned by uid 1000, not root"));
        Assert.That(FileTrust.CheckDirectory(file), Is.EqualTo($"{file} is a regular file, not a directory"));
    }

    private string Create(string name, string mode, uint owner = 0)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, "[node]\n");
        Assert.That(Syscall.chown(path, owner, 0), Is.Zero);
        Assert.That(Syscall.chmod(path, NativeConvert.FromOctalPermissionString(mode)), Is.Zero);
        return path;
    }

    private string Link(string name, string target)
    {
        var path = Path.Combine(_directory, name);
        File.CreateSymbolicLink(path, target);
        return path;
    }
}
