using AlSafe.Core.Profiles;
using AlSafe.Daemon.Cli;
using NUnit.Framework;

namespace AlSafe.Tests.Profiles;

public sealed class ProfileCommandTests
{
    [Test]
    public void Build_WritesTheProfileAndASummaryLine()
    {
        var output = Path.Combine(Path.GetTempPath(), $"alsafe-profile-{Guid.NewGuid():N}.json");
        var stderr = new StringWriter();
        try
        {
            var rc = ProfileCommand.Run(["build", RealKernel.ExtractedVmlinuzOrIgnore(), "-o", output], Stream.Null, stderr);

            Assert.That(rc, Is.EqualTo(0));
            Assert.That(KernelProfileSerializer.Load(output).Release, Is.EqualTo("6.1.0-56-amd64"));
            Assert.That(stderr.ToString(), Does.Match(
                @"^alsafe: profile 6\.1\.0-56-amd64 build-id eb4fbcd0[0-9a-f]+ from btf\+kallsyms: 8 symbols, 16 structs in \d+ ms -> "));
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Test]
    public void Build_OfTheDebianPackage_AndImport_OfItsSymbolTable_AgreeOnTheIpv6OnlyBit()
    {
        var built = Path.Combine(Path.GetTempPath(), $"alsafe-profile-{Guid.NewGuid():N}.json");
        var imported = Path.Combine(Path.GetTempPath(), $"alsafe-profile-{Guid.NewGuid():N}.json");
        try
        {
            var isf = RealKernel.IsfPath;
            Assume.That(File.Exists(isf), $"no {isf}");
            Assert.That(ProfileCommand.Run(["build", RealKernel.PackagePath(), "-o", built], Stream.Null, TextWriter.Null), Is.EqualTo(0));
            Assert.That(ProfileCommand.Run(["import", isf, "-o", imported], Stream.Null, TextWriter.Null), Is.EqualTo(0));

            var fromBtf = KernelProfileSerializer.Load(built).Types["sock_common"].BitFields["skc_ipv6only"];
            var fromDwarf = KernelProfileSerializer.Load(imported).Types["sock_common"].BitFields["skc_ipv6only"];

            Assert.That(fromBtf, Is.EqualTo(fromDwarf));
            Assert.That(fromBtf, Is.EqualTo(new BitField((19 * 8) + 5, 1)), "bit 5 of the byte at 19, after skc_reuse:4 and skc_reuseport:1");
        }
        finally
        {
            File.Delete(built);
            File.Delete(imported);
        }
    }

    [Test]
    public void Build_WithoutOutput_WritesJsonToStdout()
    {
        using var stdout = new MemoryStream();

        ProfileCommand.Run(["build", RealKernel.ExtractedVmlinuzOrIgnore()], stdout, TextWriter.Null);
        stdout.Position = 0;

        Assert.That(KernelProfileSerializer.Read(stdout, "stdout").Source, Is.EqualTo("btf+kallsyms"));
    }

    [TestCase]
    [TestCase("build")]
    [TestCase("frobnicate", "x")]
    [TestCase("build", "a", "b")]
    [TestCase("build", "a", "-o")]
    [TestCase("import", "a", "--verbose")]
    public void WrongCommandLine_IsAUsageError(params string[] args)
    {
        Assert.That(() => ProfileCommand.Run(args, Stream.Null, TextWriter.Null), Throws.InstanceOf<UsageException>());
    }

    [Test]
    public async Task Dispatcher_ExitsWith2OnUsageAnd1OnBadInput()
    {
        var saved = Console.Error;
        var stderr = new StringWriter();
        Console.SetError(stderr);
        try
        {
            Assert.That(await CommandLine.RunAsync(["profile"]), Is.EqualTo(2));
            Assert.That(await CommandLine.RunAsync(["profile", "build", "/nonexistent/vmlinuz"]), Is.EqualTo(1));
            Assert.That(stderr.ToString(), Does.Contain("/nonexistent/vmlinuz"));
        }
        finally
        {
            Console.SetError(saved);
        }
    }

    [Test]
    public void Import_OfCorruptXz_NamesTheFile()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00, 1, 2, 3, 4, 5, 6, 7, 8]);

            Assert.That(() => ProfileCommand.Run(["import", path], Stream.Null, TextWriter.Null),
                Throws.InstanceOf<InvalidDataException>().With.Message.StartsWith(path + ": "));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
