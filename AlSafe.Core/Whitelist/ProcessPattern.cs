namespace AlSafe.Core.Whitelist;

/// <summary>
/// The whitelist's process column: an absolute path compared with the executable path introspection found, or a bare
/// name compared with comm. Both compare ordinally with the text introspection prints (non-printable bytes as \xNN).
/// </summary>
public readonly record struct ProcessPattern(string Text)
{
    /// <summary>True for an absolute executable path; false for a comm name.</summary>
    public bool IsPath => Text.StartsWith('/');

    public override string ToString() => Text;
}
