namespace AlSafe.Interop.OpenFlow;

/// <summary>The switch refused a request with an OFPT_ERROR.</summary>
public class OpenFlowErrorException : OpenFlowException
{
    public OpenFlowErrorException(string message, OpenFlowError error)
        : base(OpenFlowFailure.SwitchError, message)
    {
        Error = error;
    }

    public OpenFlowError Error { get; }
}
