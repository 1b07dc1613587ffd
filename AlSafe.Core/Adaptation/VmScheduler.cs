namespace AlSafe.Core.Adaptation;

/// <summary>
/// Hands out VMs whose cycle is due, earliest first, to any number of workers, never the same VM to two at once. A VM
/// is due again only when its cycle is done (its next due time counts from then), so a slow or failing VM takes its
/// turn like the others and cannot starve them.
/// </summary>
internal sealed class VmScheduler
{
    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    // Entries are never removed from the queue in place: a queued item is stale when its version is not the entry's.
    private readonly PriorityQueue<(string Vm, int Version), TimeSpan> _queue = new();
    private TaskCompletionSource _changed = NewSignal();

    // One counter for every entry, so that an entry made again after a removal never matches the old entry's items.
    private int _version;

    public VmScheduler(TimeProvider time)
    {
        _time = time;
        _origin = time.GetTimestamp();
    }

    /// <summary>Time since the scheduler was made: the clock due times are on.</summary>
    public TimeSpan Now => _time.GetElapsedTime(_origin);

    /// <summary>Adds the VM, or moves its next cycle to <paramref name="due"/> when it is not running.</summary>
    public void Schedule(string vm, TimeSpan due)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(vm, out var entry))
            {
                entry = new Entry();
                _entries.Add(vm, entry);
            }

            if (entry.Running)
            {
                entry.Again = entry.Again is { } again && again <= due ? again : due;
                return;
            }

            Enqueue(vm, entry, due);
        }
    }

    /// <summary>Brings the VM's next cycle forward to <paramref name="at"/> at the latest; a running cycle is followed by
    /// another one at that time.</summary>
    public void Advance(string vm, TimeSpan at)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(vm, out var entry))
            {
                return;
            }

            if (entry.Running)
            {
                entry.Again = entry.Again is { } again && again <= at ? again : at;
            }
            else if (at < entry.Due)
            {
                Enqueue(vm, entry, at);
            }
        }
    }

    public void Remove(string vm)
    {
        lock (_lock)
        {
            _entries.Remove(vm);
        }
    }

    /// <summary>Ends the VM's running cycle; its next one is due at <paramref name="next"/> unless something asked for
    /// an earlier one meanwhile.</summary>
    public void Done(string vm, TimeSpan next)
    {
        lock (_lock)
        {
            if (!_entries.TryGetValue(vm, out var entry) || !entry.Running)
            {
                return;
            }

            entry.Running = false;
            var due = entry.Again is { } again && again < next ? again : next;
            entry.Again = null;
            Enqueue(vm, entry, due);
        }
    }

    /// <summary>Waits for the next due VM and marks it running; null when <paramref name="maxWait"/> passed first, so
    /// a worker can show it is alive.</summary>
    public async Task<string?> NextAsync(TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            Task changed;
            TimeSpan wait;
            lock (_lock)
            {
                var now = Now;
                while (_queue.TryPeek(out var item, out var due))
                {
                    if (!_entries.TryGetValue(item.Vm, out var entry) || entry.Version != item.Version || entry.Running)
                    {
                        _queue.Dequeue();
                        continue;
                    }

                    if (due > now)
                    {
                        break;
                    }

                    _queue.Dequeue();
                    entry.Running = true;
                    return item.Vm;
                }

                wait = _queue.TryPeek(out _, out var next) ? next - now : maxWait;
                changed = _changed.Task;
            }

            var remaining = maxWait - waited;
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            wait = wait < remaining ? wait : remaining;
            var started = Now;
            await Task.WhenAny(changed, Task.Delay(wait, _time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            waited += Now - started;
        }
    }

    private void Enqueue(string vm, Entry entry, TimeSpan due)
    {
        entry.Version = ++_version;
        entry.Due = due;
        _queue.Enqueue((vm, entry.Version), due);
        var changed = _changed;
        _changed = NewSignal();
        changed.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private sealed class Entry
    {
        public int Version;
        public TimeSpan Due;
        public bool Running;

        /// <summary>When a cycle was asked for while one ran: the next starts no later than this.</summary>
        public TimeSpan? Again;
    }
}
