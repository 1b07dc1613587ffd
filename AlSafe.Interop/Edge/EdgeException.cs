namespace AlSafe.Interop.Edge;

/// <summary>Talking to the edge failed; <see cref="Fault"/> says how, <see cref="Detail"/> holds nft's or the SSH
/// layer's own words when there are any.</summary>
public sealed class EdgeException : Exception
{
    public EdgeException(EdgeFault fault, string message, string? detail = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Fault = fault;
        Detail = detail;
    }

    public EdgeFault Fault { get; }

    /// <summary>The full error text (nft's standard error for <see cref="EdgeFault.Refused"/>).</summary>
    public string? Detail { get; }
}
