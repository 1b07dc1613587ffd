namespace AlSafe.Core.Adaptation.Handoff;

/// <summary>A hand-off step that was refused; the message is one line for the operator and the journal.</summary>
public sealed class HandoffException(HandoffRefusal reason, string message, Exception? inner = null) : Exception(message, inner)
{
    public HandoffRefusal Reason { get; } = reason;

    /// <summary>The VM the refused hand-off is about, once that is known from a checked file or the request.</summary>
    public string? Vm { get; init; }
}
