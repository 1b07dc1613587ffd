namespace AlSafe.Core.Decisions;

public enum VerdictKind : byte
{
    Block = 0,
    Allow = 1,
}
