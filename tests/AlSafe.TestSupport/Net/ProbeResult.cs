namespace AlSafe.TestSupport.Net;

/// <summary>The outcome of one probe, the token it sent (to look for elsewhere, such as in a sniffer's capture), and
/// what the client printed, for the failure message.</summary>
public sealed record ProbeResult(ProbeOutcome Outcome, string Token, string Detail)
{
    public override string ToString() => $"{Outcome}: {Detail}";
}
