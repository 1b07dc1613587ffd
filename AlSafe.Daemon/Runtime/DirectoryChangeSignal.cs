namespace AlSafe.Daemon.Runtime;

/// <summary>
/// Tells when files in some directories changed. inotify (FileSystemWatcher) makes it prompt; a poll of names, sizes and
/// modification times catches what inotify misses (network file systems, a directory created after the start). A burst
/// of events (an editor's write and rename) is one change, reported once things are quiet for a moment.
/// </summary>
internal sealed class DirectoryChangeSignal : IDisposable
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);

    private readonly IReadOnlyList<string> _directories;
    private readonly TimeSpan _poll;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly SemaphoreSlim _events = new(0, int.MaxValue);
    private string _fingerprint;

    public DirectoryChangeSignal(IReadOnlyList<string> directories, TimeSpan poll)
    {
        _directories = directories;
        _poll = poll;
        _fingerprint = Fingerprint();
        foreach (var directory in directories.Where(Directory.Exists))
        {
            var watcher = new FileSystemWatcher(directory)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.Attributes,
            };
            watcher.Changed += (_, _) => Signal();
            watcher.Created += (_, _) => Signal();
            watcher.Deleted += (_, _) => Signal();
            watcher.Renamed += (_, _) => Signal();
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
    }

    /// <summary>Waits for the next change; false when <paramref name="cancellationToken"/> ends the wait.</summary>
    public async Task<bool> WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var signalled = await _events.WaitAsync(_poll, cancellationToken).ConfigureAwait(false);
                if (signalled)
                {
                    // Let the burst end, then swallow the rest of it.
                    await Task.Delay(Quiet, cancellationToken).ConfigureAwait(false);
                    while (_events.CurrentCount > 0)
                    {
                        await _events.WaitAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                var now = Fingerprint();
                if (now != _fingerprint)
                {
                    _fingerprint = now;
                    return true;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _events.Dispose();
    }

    private void Signal()
    {
        try
        {
            _events.Release();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private string Fingerprint() => string.Join('\n', _directories.SelectMany(directory =>
        Directory.Exists(directory)
            ? new DirectoryInfo(directory).EnumerateFiles().OrderBy(file => file.Name, StringComparer.Ordinal)
                .Select(file => $"{file.FullName}\t{file.Length}\t{file.LastWriteTimeUtc.Ticks}\t{(int)file.UnixFileMode}")
            : [$"{directory}\tmissing"]));
}
