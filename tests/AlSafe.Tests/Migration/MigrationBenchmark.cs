using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using AlSafe.Core.Rules.Switch;
using AlSafe.TestSupport.Lab;
using NUnit.Framework;

namespace AlSafe.Tests.Migration;

/// <summary>
/// The live-migration benchmark of BENCHMARKS.md: prints, for each case, the median of each hand-off phase over
/// ALSAFE_BENCH_MIGRATIONS runs (default 3), each on a fresh <see cref="TwoNodeLab"/>. It asserts nothing about time;
/// run it by hand:
/// <c>dotnet test tests/AlSafe.Tests -c Release --filter "FullyQualifiedName~MigrationBenchmark" --logger "console;verbosity=detailed"</c>.
/// The phases are those of tests/lab/migrate.sh, with the CLI verbs called in process (so no .NET start-up is
/// counted): descriptor (write it and reload the destination), export, import, rules (until the destination's bridge
/// holds the grant flows), transfer (QMP migrate until completed, with QEMU's downtime), release; then the time from
/// the transfer's end until the destination's first own introspection. Without AL-SAFE only the transfer runs.
/// </summary>
[TestFixture]
[Explicit("a benchmark: run it by hand, it prints medians and asserts no time")]
[Category("Benchmark")]
[NonParallelizable]
[SupportedOSPlatform("linux")]
public sealed class MigrationBenchmark
{
    private const string Whitelist = "lab1\thttpd\t0\ttcp\tin\t80\t*\t*\nlab1\t/bin/alsafe-guest\t0\ttcp\tin\t7001-7003\t*\t*\n";

    // 32 MiB of random data rewritten every second: a dirty rate the default migration bandwidth still converges on.
    private const string MemoryWriter =
        "sh dd if=/dev/urandom of=/tmp/alsafe-src bs=1M count=32 2>/dev/null; " +
        "( while :; do cp /tmp/alsafe-src /tmp/alsafe-dirty; sleep 1; done ) &";

    private static readonly TimeSpan TransferTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static int Runs =>
        int.TryParse(Environment.GetEnvironmentVariable("ALSAFE_BENCH_MIGRATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : 3;

    [TestCase(false, false, TestName = "idle guest, without AL-SAFE")]
    [TestCase(true, false, TestName = "idle guest, with AL-SAFE")]
    [TestCase(false, true, TestName = "guest writing memory, without AL-SAFE")]
    [TestCase(true, true, TestName = "guest writing memory, with AL-SAFE")]
    public async Task MigrateAsync(bool withAlSafe, bool writingMemory)
    {
        if (TwoNodeDaemons.Unsupported() is { } reason)
        {
            Assert.Ignore(reason);
        }

        var samples = new List<Dictionary<string, double>>();
        for (var run = 0; run < Runs; run++)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
            samples.Add(await MigrateOnceAsync(withAlSafe, writingMemory, timeout.Token));
            TestContext.Progress.WriteLine($"run {run + 1}: " + Format(samples[^1]));
        }

        var medians = samples[0].Keys.ToDictionary(k => k, k => Median(samples.Select(s => s[k])));
        TestContext.Out.WriteLine($"{TestContext.CurrentContext.Test.Name}, median of {samples.Count}: {Format(medians)}");
        TestContext.Progress.WriteLine($"{TestContext.CurrentContext.Test.Name}, median of {samples.Count}: {Format(medians)}");
    }

    private static async Task<Dictionary<string, double>> MigrateOnceAsync(bool withAlSafe, bool writingMemory, CancellationToken cancellationToken)
    {
        var sample = new Dictionary<string, double>(StringComparer.Ordinal);
        await using var lab = await TwoNodeLab.StartAsync(new TwoNodeLabOptions { Guest = new LabGuestOptions { Name = "migbench-lab1" } },
            cancellationToken);
        await using var daemons = withAlSafe ? await TwoNodeDaemons.StartAsync(lab, Whitelist, cancellationToken) : null;
        if (daemons is not null)
        {
            await WaitForAsync(async () => await daemons.VmStateAsync(0, NodeLab.GuestVm) == "protected", cancellationToken);
        }

        if (writingMemory)
        {
            await lab.Node1.Guest.RunAsync(MemoryWriter, cancellationToken);
        }

        await using var migration = await GuestMigration.StartDestinationAsync(lab, cancellationToken);
        var state = Path.Combine(lab.Directory, "lab1.state");
        var clock = Stopwatch.StartNew();
        if (daemons is not null)
        {
            await Phase(sample, "descriptor", async () =>
            {
                var text = $"[vm]\ntenant = {NodeLab.Tenant}\nmemory = {migration.MemoryPath}\nlayout = q35\nqmp = {migration.QmpSocket}\n" +
                           $"addresses = {NodeLab.GuestV4}, {NodeLab.GuestV6}\n";
                File.WriteAllText(lab.DestinationDescriptorPath, "");
                File.SetUnixFileMode(lab.DestinationDescriptorPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                await File.WriteAllTextAsync(lab.DestinationDescriptorPath, text, cancellationToken);
                await daemons.CliAsync(1, "reload");
            });
            await Phase(sample, "export", () => daemons.CliAsync(0, "vm", "export", NodeLab.GuestVm, "--output", state));
            await Phase(sample, "import", () => daemons.CliAsync(1, "vm", "import", state));
            await Phase(sample, "rules", () => WaitForAsync(async () =>
                (await lab.Node2Ovs.OfctlAsync("dump-flows", $"cookie=0x{RuleCookie.ForVm(NodeLab.GuestVm):x}/-1"))
                .Contains("ct(commit", StringComparison.Ordinal), cancellationToken));
        }

        var statistics = await migration.MigrateAsync(TransferTimeout, cancellationToken);
        sample["transfer"] = statistics.Elapsed.TotalMilliseconds;
        sample["qemu-total"] = statistics.Total.TotalMilliseconds;
        sample["downtime"] = statistics.Downtime.TotalMilliseconds;
        sample["sent-MiB"] = statistics.TransferredBytes / 1048576.0;
        if (daemons is not null)
        {
            await Phase(sample, "release", () => daemons.CliAsync(0, "vm", "release", NodeLab.GuestVm));
            sample["hand-off"] = clock.Elapsed.TotalMilliseconds - sample["transfer"];
            await Phase(sample, "first-introspection", () =>
                WaitForAsync(async () => await daemons.VmStateAsync(1, NodeLab.GuestVm) == "protected", cancellationToken));
        }

        await migration.RemoveSourceAsync(cancellationToken);
        return sample;
    }

    private static async Task Phase(Dictionary<string, double> sample, string name, Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        sample[name] = clock.Elapsed.TotalMilliseconds;
    }

    /// <summary>Polls every 10 ms until <paramref name="condition"/> holds; fails after <see cref="Patience"/>.</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Patience);
        while (!await condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), deadline.Token);
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Format(Dictionary<string, double> values) =>
        string.Join(", ", values.Select(p => string.Create(CultureInfo.InvariantCulture,
            $"{p.Key} {p.Value:0.#}{(p.Key == "sent-MiB" ? "" : " ms")}")));
}
