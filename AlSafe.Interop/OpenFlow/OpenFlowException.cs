namespace AlSafe.Interop.OpenFlow;

/// <summary>An OpenFlow exchange failed; <see cref="Failure"/> says how.</summary>
public class OpenFlowException : Exception
{
    public OpenFlowException(OpenFlowFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    public OpenFlowFailure Failure { get; }

    internal static OpenFlowException Violation(string message) => new(OpenFlowFailure.ProtocolViolation, message);
}
