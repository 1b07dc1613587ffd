namespace AlSafe.Core.Configuration;

/// <summary>
/// What <see cref="IniParser"/> made of a file: every line it could read, and an error for every line it could not.
/// The caller validates the document even when there are errors, so that one pass reports every mistake; a file with
/// any error is still refused whole.
/// </summary>
public sealed record IniParseResult(IniDocument Document, IReadOnlyList<ConfigurationError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}
