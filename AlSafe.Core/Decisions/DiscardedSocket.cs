using AlSafe.Core.Introspection.Model;

namespace AlSafe.Core.Decisions;

/// <summary>A socket whose introspected values cannot be right (port 0 on a listener, an address of the wrong family, ...): it gets no verdict and no rule, only a logged reason.</summary>
public sealed record DiscardedSocket(GuestProcess Process, GuestSocket Socket, string Reason);
