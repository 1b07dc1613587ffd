using System.Threading.Channels;

namespace AlSafe.Interop.Ovsdb;

/// <summary>
/// A live monitor (RFC 7047 section 4.1.5): the monitored tables' rows when it started, then each committed change as
/// one batch of row updates, in the server's order. Disposal cancels it on the server.
/// </summary>
public sealed class OvsdbMonitor : IAsyncDisposable
{
    private readonly OvsdbClient _client;
    private readonly Channel<IReadOnlyList<OvsdbRowUpdate>> _updates;
    private int _disposed;

    internal OvsdbMonitor(OvsdbClient client, long id, string database, int backlog)
    {
        _client = client;
        Id = id;
        Database = database;
        _updates = Channel.CreateBounded<IReadOnlyList<OvsdbRowUpdate>>(new BoundedChannelOptions(backlog)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = true,
        });
    }

    public string Database { get; }

    /// <summary>The rows present when the monitor started, as inserts.</summary>
    public IReadOnlyList<OvsdbRowUpdate> Initial { get; internal set; } = [];

    /// <summary>One batch per update notification, in order. Completes when the monitor is disposed; fails (its
    /// Completion and WaitToReadAsync with an <see cref="OvsdbException"/>) when the connection ends or the reader fell
    /// more than <see cref="OvsdbClientOptions.MonitorBacklog"/> notifications behind.</summary>
    public ChannelReader<IReadOnlyList<OvsdbRowUpdate>> Updates => _updates.Reader;

    internal long Id { get; }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _updates.Writer.TryComplete();
            await _client.CancelMonitorAsync(this).ConfigureAwait(false);
        }
    }

    /// <summary>Queues a notification's updates; false when the reader has fallen too far behind.</summary>
    internal bool TryDeliver(IReadOnlyList<OvsdbRowUpdate> updates) => _updates.Writer.TryWrite(updates);

    internal void Complete(Exception? failure) => _updates.Writer.TryComplete(failure);
}
