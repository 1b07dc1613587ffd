using System.Diagnostics;
using AlSafe.Core.Introspection;
using AlSafe.TestSupport.Synthetic;
using NUnit.Framework;

namespace AlSafe.Tests.Introspection;

/// <summary>
/// Random damage to a valid lab guest: whatever bytes change, introspection must end promptly in a snapshot or an
/// <see cref="IntrospectionException"/>, never in another exception, a hang or a crash. Runs are seeded so that a
/// failure names the run that reproduces it.
/// </summary>
[TestFixture]
public sealed class SyntheticCorruptionTests
{
    private const int Runs = 200;
    private const int Seed = 0x5AFE;

    // Generous against a loaded test machine: what matters is that no run hangs past the walk's own deadline.
    private static readonly TimeSpan MaxRunTime = TimeSpan.FromSeconds(5);

    [Test]
    public void Random_corruption_ends_in_a_snapshot_or_an_introspection_fault()
    {
        var guest = SyntheticScenarios.Lab().Build();
        var members = WalkedMembers(guest);
        var random = new Random(Seed);
        var outcomes = new Dictionary<string, int>();
        for (var run = 0; run < Runs; run++)
        {
            var damage = Corrupt(guest, members, random);
            var started = Stopwatch.GetTimestamp();
            try
            {
                new Introspector([guest.Profile]).Introspect(guest.Memory);
                Count(outcomes, "snapshot");
            }
            catch (IntrospectionException e)
            {
                Count(outcomes, e.Fault.ToString());
            }
            catch (Exception e)
            {
                Assert.Fail($"run {run} (seed 0x{Seed:x}, {damage.Count} writes at {Describe(damage)}) threw {e}");
            }
            finally
            {
                Restore(guest, damage);
            }

            var elapsed = Stopwatch.GetElapsedTime(started);
            Assert.That(elapsed, Is.LessThan(MaxRunTime), $"run {run} took {elapsed}");
        }

        TestContext.Out.WriteLine(string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}: {o.Value}")));
        Assert.That(outcomes.Keys, Has.Count.GreaterThanOrEqualTo(4), "the corruption should reach several walkers");
    }

    /// <summary>Damages the guest and returns what it overwrote. Half of the writes hit a member some walker reads
    /// (list links, pointers, lengths, socket fields), the rest land anywhere among the objects or in init_task;
    /// a write is a whole forged pointer, a huge 32-bit count, or a single random byte.</summary>
    private static List<(ulong Address, byte[] Original)> Corrupt(SyntheticGuest guest, ulong[] members, Random random)
    {
        var damage = new List<(ulong, byte[])>();
        var writes = random.Next(1, 9);
        for (var i = 0; i < writes; i++)
        {
            var address = random.Next(4) switch
            {
                0 or 1 => members[random.Next(members.Length)],
                2 => guest.ObjectsStart + (ulong)random.NextInt64((long)(guest.ObjectsEnd - guest.ObjectsStart - 8)),
                _ => guest.SymbolPhysical("init_task") + (ulong)random.NextInt64((long)guest.Profile.Types["task_struct"].Size),
            };
            byte[] value = random.Next(3) switch
            {
                0 => BitConverter.GetBytes(PointerLike(guest, random)),
                1 => BitConverter.GetBytes(uint.MaxValue - (uint)random.Next(2)),
                _ => [(byte)random.Next(256)],
            };
            var original = new byte[value.Length];
            guest.Memory.TryRead(address, original);
            damage.Add((address, original));
            guest.Write(address, value);
        }

        return damage;
    }

    /// <summary>Guest-physical addresses of every member the walkers read, in every process's objects.</summary>
    private static ulong[] WalkedMembers(SyntheticGuest guest)
    {
        var members = new List<ulong>();
        void Add(ulong? at, string type)
        {
            if (at is { } address)
            {
                members.AddRange(guest.Profile.Types[type].Fields.Values.Select(offset => address + offset));
            }
        }

        foreach (var task in guest.Pids.Select(guest.Task))
        {
            Add(task.Task, "task_struct");
            Add(guest.Field(task.Task, "task_struct", "tasks"), "list_head");
            Add(task.Cred, "cred");
            Add(task.Mm, "mm_struct");
            Add(task.Files, "files_struct");
            Add(task.FdTable, "fdtable");
            Add(task.ExeFile, "file");
            Add(task.ExeFile + guest.Profile.Types["file"].Fields["f_path"], "path");
            Add(task.ExeDentry, "dentry");
            Add(task.ExeDentry + guest.Profile.Types["dentry"].Fields["d_name"], "qstr");
            members.AddRange(Enumerable.Range(0, 8).Select(fd => task.FdArray + ((ulong)fd * 8)));
            foreach (var socket in task.Sockets)
            {
                Add(socket.File, "file");
                Add(socket.Socket, "socket");
                Add(socket.Sock, "sock");
                Add(socket.Sock, "sock_common");
                Add(socket.Inode, "inode");
            }
        }

        return members.ToArray();
    }

    /// <summary>Values a forged pointer would take: into the objects, just beyond RAM, NULL, or anything.</summary>
    private static ulong PointerLike(SyntheticGuest guest, Random random) => random.Next(4) switch
    {
        0 => guest.DirectVirtual(guest.ObjectsStart + (ulong)random.NextInt64((long)(guest.ObjectsEnd - guest.ObjectsStart))),
        1 => guest.DirectVirtual(guest.Memory.PhysicalLimit + (ulong)random.Next(1 << 20)),
        2 => 0,
        _ => (ulong)random.NextInt64(long.MinValue, long.MaxValue),
    };

    private static void Restore(SyntheticGuest guest, List<(ulong Address, byte[] Original)> damage)
    {
        for (var i = damage.Count - 1; i >= 0; i--)
        {
            guest.Write(damage[i].Address, damage[i].Original);
        }
    }

    private static string Describe(List<(ulong Address, byte[] Original)> damage) =>
        string.Join(", ", damage.Select(d => $"0x{d.Address:x}"));

    private static void Count(Dictionary<string, int> outcomes, string outcome) =>
        outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
}
