namespace AlSafe.Interop.OpenFlow;

/// <summary>Picks the version of a connection from the switch's HELLO (OpenFlow 1.3.1 section 6.3.1).</summary>
internal static class OpenFlowVersionNegotiation
{
    /// <exception cref="OpenFlowException">No common version in [<paramref name="min"/>, <paramref name="max"/>].</exception>
    public static OpenFlowVersion Negotiate(HelloMessage peer, OpenFlowVersion min, OpenFlowVersion max)
    {
        // With a bitmap on both sides the highest common version wins; without one the peer speaks up to its header
        // version, which HelloMessage.Supports already encodes.
        for (var v = (byte)max; v >= (byte)min; v--)
        {
            if (peer.Supports(v))
            {
                return (OpenFlowVersion)v;
            }
        }

        var why = min > OpenFlowVersion.OpenFlow13
            ? $"{OpenFlowNames.Version(min)} or later was required (bundles need OpenFlow 1.4)"
            : "AL-SAFE needs OpenFlow 1.3 or later (OXM matches, multipart flow statistics)";
        throw new OpenFlowException(OpenFlowFailure.IncompatibleVersion,
            $"no common OpenFlow version: the switch {peer}; we offered {OpenFlowNames.Version(min)} to " +
            $"{OpenFlowNames.Version(max)}. {why}");
    }
}
