using System.Text.Json;

namespace AlSafe.Interop.Qmp;

/// <summary>An asynchronous QMP event such as STOP, RESUME or SHUTDOWN.</summary>
/// <param name="Data">The event's "data" member, or null when QEMU sent none.</param>
/// <param name="Timestamp">When QEMU raised the event, by the host's clock.</param>
public sealed record QmpEvent(string Name, JsonElement? Data, DateTimeOffset Timestamp);
