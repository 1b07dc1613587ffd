using System.Globalization;
using System.Net;
using System.Runtime.Versioning;
using System.Text;
using AlSafe.Core.Configuration;
using AlSafe.Core.Profiles;
using AlSafe.TestSupport.Ovs;
using AlSafe.TestSupport.Synthetic;

namespace AlSafe.Lab;

/// <summary>
/// A compute node as the daemon sees it, without a single booted guest: N synthetic guests whose RAM images and
/// profiles lie in tmpfs, a descriptor for each in vms.d, the tenant's whitelist, a private Open vSwitch with one
/// internal port per VM carrying its alsafe-vm and attached-mac ids, and alsafe.conf pointing at all of it. Every file
/// is root's and private, as trusted_files_only wants. Disposal stops the switch and deletes the directory.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class LoadNode : IAsyncDisposable
{
    public const string Bridge = "br-load";

    private const UnixFileMode PrivateFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = PrivateFile | UnixFileMode.UserExecute;

    private readonly string _root;
    private OvsInstance? _ovs;

    private LoadNode(string root) => _root = root;

    public string ConfigPath => Path.Combine(_root, "alsafe.conf");

    /// <summary>Where the guests' RAM images and profiles are, ending in '/'.</summary>
    public string GuestDirectory => Dir("guests") + "/";

    /// <summary>Bytes the guests' images occupy in tmpfs (their holes cost nothing).</summary>
    public long ImageBytes { get; private set; }

    /// <summary>The VM names, vm1 to vmN.</summary>
    public IReadOnlyList<string> Vms { get; private set; } = [];

    /// <summary>One guest's image and profile, to check them before the daemon reads them all.</summary>
    public (string Image, string Profile) Guest(string vm) =>
        (Path.Combine(Dir("guests"), vm + ".ram"), Path.Combine(Dir("guests"), vm + ".json"));

    /// <summary>Writes the node's files for <paramref name="run"/> and starts its switch.</summary>
    public static async Task<LoadNode> CreateAsync(LoadRun run, LoadOptions options, CancellationToken cancellationToken)
    {
        var root = Path.Combine(options.Directory, $"alsafe-load-{Environment.ProcessId}-{run.Vms}");
        var node = new LoadNode(root);
        try
        {
            node.Vms = [.. Enumerable.Range(1, run.Vms).Select(i => string.Create(CultureInfo.InvariantCulture, $"vm{i}"))];
            node.WriteFiles(run, options);
            node._ovs = await OvsInstance.StartAsync(Bridge, cancellationToken).ConfigureAwait(false);
            node.WriteConfig(run, options, node._ovs);
            await node.AddPortsAsync(node._ovs).ConfigureAwait(false);
            return node;
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_ovs is not null)
        {
            await _ovs.DisposeAsync().ConfigureAwait(false);
            _ovs = null;
        }

        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static IPAddress Address(int index) => new([192, 0, 2, (byte)index]);

    private static string Mac(int index) => string.Create(CultureInfo.InvariantCulture, $"52:54:00:a1:{index >> 8:x2}:{index & 0xff:x2}");

    private void WriteFiles(LoadRun run, LoadOptions options)
    {
        foreach (var directory in new[] { _root, Dir("guests"), Dir("vms.d"), Dir("whitelist.d"), Dir("profiles") })
        {
            Directory.CreateDirectory(directory, PrivateDirectory);
        }

        Write(Path.Combine(Dir("whitelist.d"), LoadGuest.Tenant + ".tsv"), LoadGuest.Whitelist(options.Servers));

        // The daemon refuses to start without a profile of its own; each descriptor still pins its guest's.
        var nodeProfile = Path.Combine(Dir("profiles"), "synthetic.json");
        KernelProfileSerializer.Save(SyntheticProfile.Create(), nodeProfile);
        File.SetUnixFileMode(nodeProfile, PrivateFile);
        for (var i = 1; i <= run.Vms; i++)
        {
            var vm = Vms[i - 1];
            var (image, profile) = Guest(vm);
            ImageBytes += SyntheticImageFile.Write(LoadGuest.Build(i, Address(i), options.Servers), image, profile);
            File.SetUnixFileMode(image, PrivateFile);
            File.SetUnixFileMode(profile, PrivateFile);
            Write(Path.Combine(Dir("vms.d"), vm + ".conf"), Ini("vm",
                ("tenant", LoadGuest.Tenant),
                ("memory", image),
                ("layout", "flat"),
                ("profile", profile),
                ("addresses", Address(i).ToString())));
        }
    }

    private void WriteConfig(LoadRun run, LoadOptions options, OvsInstance ovs)
    {
        Write(ConfigPath, "# Written by bench-load (tests/AlSafe.Lab/LoadNode.cs): switch only, no control bus.\n" +
            Ini("node",
                ("name", "load-node"),
                ("vms_dir", Dir("vms.d")),
                ("whitelist_dir", Dir("whitelist.d")),
                ("trusted_files_only", "true")) +
            Ini("introspection",
                ("profiles", Dir("profiles")),
                ("mode", "live")) +
            Ini("adaptation",
                ("period", ConfigurationValues.FormatDuration(run.Period)),
                ("concurrency", options.Concurrency.ToString(CultureInfo.InvariantCulture))) +
            Ini("switch",
                ("bridge", Bridge),
                ("management_socket", ovs.ManagementSocket),
                ("ovsdb", "unix:" + Path.Combine(ovs.Directory, "db.sock"))) +
            Ini("control", ("bus", "none")));
    }

    /// <summary>Every VM's port in one ovs-vsctl transaction: a hundred separate calls would take longer than the
    /// measurement.</summary>
    private async Task AddPortsAsync(OvsInstance ovs)
    {
        var arguments = new List<string>();
        for (var i = 1; i <= Vms.Count; i++)
        {
            var vm = Vms[i - 1];
            arguments.AddRange(["--", "add-port", Bridge, vm, "--", "set", "Interface", vm, "type=internal",
                $"external_ids:alsafe-vm={vm}", $"external_ids:attached-mac=\"{Mac(i)}\""]);
        }

        await ovs.VsctlAsync([.. arguments]).ConfigureAwait(false);
    }

    private string Dir(string name) => Path.Combine(_root, name);

    private static void Write(string path, string text)
    {
        File.WriteAllText(path, text, new UTF8Encoding(false));
        File.SetUnixFileMode(path, PrivateFile);
    }

    private static string Ini(string section, params (string Key, string Value)[] entries)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"\n[{section}]\n");
        foreach (var (key, value) in entries)
        {
            text.Append(CultureInfo.InvariantCulture, $"{key} = {value}\n");
        }

        return text.ToString();
    }
}
