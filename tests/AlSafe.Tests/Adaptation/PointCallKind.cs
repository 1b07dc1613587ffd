namespace AlSafe.Tests.Adaptation;

/// <summary>Which method of an enforcement point the engine called.</summary>
internal enum PointCallKind
{
    Stage,
    Start,
    Enforce,
    Withdraw,
}
