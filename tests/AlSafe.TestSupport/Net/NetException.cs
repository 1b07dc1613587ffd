namespace AlSafe.TestSupport.Net;

/// <summary>A namespace, link or traffic tool of the network lab could not be set up or did not do what a test asked.</summary>
public sealed class NetException(string message, Exception? inner = null) : Exception(message, inner);
