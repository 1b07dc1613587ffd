namespace AlSafe.TestSupport.Lab;

/// <summary>The lab could not do what a test asked (a script failed, the guest did not boot or did not answer).</summary>
public sealed class LabException(string message, Exception? inner = null) : Exception(message, inner);
