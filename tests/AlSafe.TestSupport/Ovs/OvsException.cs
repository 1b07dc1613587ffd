namespace AlSafe.TestSupport.Ovs;

/// <summary>A private Open vSwitch could not be started or did not do what a test asked.</summary>
public sealed class OvsException(string message, Exception? inner = null) : Exception(message, inner);
