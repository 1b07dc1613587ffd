using AlSafe.Interop.OpenFlow;

namespace AlSafe.Interop.Switch;

/// <summary>A live OpenFlow connection and the task that ends, with the reason, when the connection does.</summary>
internal sealed record SwitchLink(OpenFlowConnection Connection, Task<string> Lost);
