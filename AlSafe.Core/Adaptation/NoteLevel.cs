namespace AlSafe.Core.Adaptation;

/// <summary>How much a note of the engine matters; the daemon maps it onto journal priorities.</summary>
public enum NoteLevel
{
    Debug,
    Information,
    Warning,
    Error,
}
