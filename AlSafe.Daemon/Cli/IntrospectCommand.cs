using System.Text.Json;
using AlSafe.Core.Introspection;
using AlSafe.Core.Introspection.Model;
using AlSafe.Core.Profiles;
using AlSafe.Interop.Memory;
using AlSafe.Interop.Qmp;

namespace AlSafe.Daemon.Cli;

/// <summary>
/// <c>alsafe introspect</c>: one guest's processes and sockets, read from its memory. With <c>--qmp</c> the guest is
/// paused for the walk (a coherent view) unless <c>--live</c>; <c>--repeat</c> measures the cost on a live VM.
/// </summary>
public static class IntrospectCommand
{
    public const string Usage = """
        usage: alsafe introspect --memory PATH [--layout q35|pc|flat|RANGES] [--qmp SOCKET] [--live]
                                 [--profile FILE | --profiles DIR] [--format table|json] [--repeat N]
          --memory    QEMU's file-backed guest RAM (memory-backend-file share=on), a raw image, or an ELF core
                      from QMP dump-guest-memory (detected by its header)
          --layout    how guest-physical addresses sit in the file (default q35; ignored for ELF cores)
          --qmp       the guest's QMP socket: pause it with stop/cont around the walk
          --live      read without pausing even when --qmp is given
          --profile   one kernel profile; --profiles a directory of them (default /var/lib/alsafe/profiles)
          --repeat    introspect N times and report median, min and max of walk and pause
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var o = new OptionReader(
            args,
            ["--memory", "--layout", "--qmp", "--profile", "--profiles", "--format", "--repeat"],
            ["--live"]);
        if (o.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument '{o.Positional[0]}'");
        }

        var format = o.Value("--format") ?? "table";
        if (format is not ("table" or "json"))
        {
            throw new UsageException($"--format takes table or json, not '{format}'");
        }

        if (o.Has("--profile") && o.Has("--profiles"))
        {
            throw new UsageException("give --profile or --profiles, not both");
        }

        var repeat = o.Int("--repeat", 1, 1, 100_000);
        var profiles = o.Value("--profile") is { } one
            ? [KernelProfileSerializer.Load(one)]
            : ProfileCatalog.LoadDirectory(
                o.Value("--profiles") ?? ProfileCatalog.DefaultDirectory, skipped => stderr.WriteLine($"alsafe: skipped profile: {skipped}"));

        using var memory = MappedGuestMemory.Open(o.Required("--memory"), o.Value("--layout") ?? "q35");
        await using var qmp = o.Value("--qmp") is { } socket && !o.Has("--live")
            ? await QmpClient.ConnectAsync(socket, TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false)
            : null;
        var pauser = qmp is null ? null : new QmpGuestPauser(qmp);
        var introspector = new Introspector(profiles);

        IntrospectionSnapshot? last = null;
        var walks = new List<double>(repeat);
        var pauses = new List<double>(repeat);
        for (var i = 0; i < repeat; i++)
        {
            last = await introspector.IntrospectAsync(memory, pauser, CancellationToken.None).ConfigureAwait(false);
            walks.Add(last.Timings.Walk.TotalMilliseconds);
            pauses.Add(last.Timings.Pause.TotalMilliseconds);
        }

        var walk = TimingSummary.Of(walks);
        var pause = TimingSummary.Of(pauses);
        if (format == "json")
        {
            WriteJson(stdout, last!, repeat, walk, pause);
        }
        else
        {
            SnapshotTable.Write(stdout, last!);
            if (repeat > 1)
            {
                stdout.WriteLine(pauser is null
                    ? $"# {repeat} live introspections: walk {walk}"
                    : $"# {repeat} paused introspections: walk {walk}; pause {pause}");
            }
        }

        return 0;
    }

    private static void WriteJson(TextWriter stdout, IntrospectionSnapshot snapshot, int repeat, TimingSummary walk, TimingSummary pause)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            SnapshotJsonWriter.Write(w, snapshot);
            if (repeat > 1)
            {
                w.WriteStartObject("repeat");
                w.WriteNumber("count", repeat);
                WriteSummary(w, "walkMs", walk);
                WriteSummary(w, "pauseMs", pause);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void WriteSummary(Utf8JsonWriter w, string name, TimingSummary s)
    {
        w.WriteStartObject(name);
        w.WriteNumber("median", s.Median);
        w.WriteNumber("min", s.Min);
        w.WriteNumber("max", s.Max);
        w.WriteEndObject();
    }
}
