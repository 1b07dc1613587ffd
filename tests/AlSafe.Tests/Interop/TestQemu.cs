using System.Diagnostics;
using NUnit.Framework;

namespace AlSafe.Tests.Interop;

/// <summary>
/// A q35 QEMU that never runs a guest instruction (-S, no kernel): enough for QMP and for RAM kept in a shared file.
/// Disposal kills it by its pidfile and deletes its RAM file, which QEMU would otherwise leave in /dev/shm.
/// </summary>
internal sealed class TestQemu : IAsyncDisposable
{
    private const string Executable = "qemu-system-x86_64";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private TestQemu(string directory, string name)
    {
        Directory = directory;
        Name = name;
    }

    public string Directory { get; }

    /// <summary>Unique among test runs; it is in QEMU's command line, so the kill can check it has the right process.</summary>
    public string Name { get; }

    public string SocketPath => Path.Combine(Directory, "qmp.sock");

    public string RamPath => "/dev/shm/" + Name;

    private string PidPath => Path.Combine(Directory, "qemu.pid");

    public static async Task<TestQemu> StartAsync(string memory = "64M")
    {
        if (!IsInstalled())
        {
            Assert.Ignore($"{Executable} is not installed");
        }

        var qemu = new TestQemu(System.IO.Directory.CreateTempSubdirectory("alsafe-qemu-").FullName,
            "alsafe-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            await qemu.LaunchAsync(memory);
            return qemu;
        }
        catch
        {
            await qemu.DisposeAsync();
            throw;
        }
    }

    public static bool IsInstalled() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Any(dir => File.Exists(Path.Combine(dir, Executable)));

    public void WriteRam(long offset, ReadOnlySpan<byte> bytes)
    {
        using var handle = File.OpenHandle(RamPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        RandomAccess.Write(handle, bytes, offset);
    }

    public async ValueTask DisposeAsync()
    {
        if (File.Exists(PidPath) && int.TryParse((await File.ReadAllTextAsync(PidPath)).Trim(), out var pid))
        {
            await KillAsync(pid);
        }

        File.Delete(RamPath);
        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    private async Task LaunchAsync(string memory)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[
                     "-machine", "q35", "-accel", "tcg", "-m", memory, "-nodefaults", "-display", "none", "-S",
                     "-qmp", $"unix:{SocketPath},server=on,wait=off",
                     "-object", $"memory-backend-file,id=ram0,size={memory},mem-path={RamPath},share=on",
                     "-machine", "memory-backend=ram0", "-daemonize", "-pidfile", PidPath,
                 ])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {Executable}");
        using var timeout = new CancellationTokenSource(StartTimeout);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0 || !File.Exists(SocketPath))
        {
            throw new InvalidOperationException($"{Executable} failed (exit {process.ExitCode}): {await errors}");
        }
    }

    private async Task KillAsync(int pid)
    {
        var commandLine = $"/proc/{pid}/cmdline";
        if (!File.Exists(commandLine) || !(await File.ReadAllTextAsync(commandLine)).Contains(Name, StringComparison.Ordinal))
        {
            return;
        }

        using (var process = Process.GetProcessById(pid))
        {
            process.Kill();
        }

        // A daemonized QEMU is not our child, so wait for it to go away (or to become a zombie of its reaper).
        var stat = $"/proc/{pid}/stat";
        for (var i = 0; i < 250 && File.Exists(stat); i++)
        {
            try
            {
                var text = await File.ReadAllTextAsync(stat);
                if (text[(text.LastIndexOf(')') + 2)..].StartsWith('Z'))
                {
                    return;
                }
            }
            catch (IOException)
            {
                return;
            }

            await Task.Delay(20);
        }
    }
}
