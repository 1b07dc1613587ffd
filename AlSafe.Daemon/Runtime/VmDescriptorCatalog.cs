using AlSafe.Core.Adaptation;

namespace AlSafe.Daemon.Runtime;

/// <summary>The VM descriptors of vms.d as last read, keeping each VM's last good descriptor when its file turns bad:
/// a typo in a descriptor must not strip a running VM of its addresses and so of every rule.</summary>
internal sealed class VmDescriptorCatalog(string directory, TrustedFiles trust, IAdaptationObserver observer)
{
    private readonly Dictionary<string, VmDescriptor> _good = new(StringComparer.Ordinal);

    /// <summary>The first error of the last load, or null when every file was taken.</summary>
    public string? LastError { get; private set; }

    public IReadOnlyDictionary<string, VmDescriptor> Load()
    {
        LastError = null;
        if (!Directory.Exists(directory))
        {
            observer.Note(NoteLevel.Warning, null, $"no VM descriptor directory {directory}: every VM port is denied everything");
            _good.Clear();
            return _good;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var result in VmDescriptorDirectory.Load(directory, trust.File))
        {
            if (result.Name is { } name)
            {
                seen.Add(name);
            }

            if (result.Descriptor is { } descriptor)
            {
                _good[descriptor.Name] = descriptor;
                continue;
            }

            foreach (var error in result.Errors)
            {
                LastError ??= $"VM descriptor refused: {error}";
                observer.Note(NoteLevel.Error, result.Name, $"descriptor refused{(result.Name is not null && _good.ContainsKey(result.Name) ? ", the last good one stays" : "")}: {error}");
            }
        }

        foreach (var gone in _good.Keys.Where(name => !seen.Contains(name)).ToList())
        {
            _good.Remove(gone);
        }

        return new Dictionary<string, VmDescriptor>(_good, StringComparer.Ordinal);
    }
}
