namespace AlSafe.Interop.OpenFlow;

/// <summary>An action in an APPLY_ACTIONS or WRITE_ACTIONS instruction, or nested in ct().</summary>
public abstract record OpenFlowAction;
