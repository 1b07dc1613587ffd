namespace AlSafe.Core.Configuration;

/// <summary>
/// One reason a configuration file (alsafe.conf, a VM descriptor) was refused, located to its line, section and key so
/// that an operator can go straight to it.
/// </summary>
/// <param name="Line">1-based; 0 when the error is about the file as a whole (unreadable, too big, untrusted) or
/// about a section or key that the file lacks altogether.</param>
/// <param name="Section">The section the error is in or about, or null.</param>
/// <param name="Key">The key the error is about, or null.</param>
public sealed record ConfigurationError(string File, int Line, string? Section, string? Key, string Message)
{
    /// <summary><c>FILE:LINE: [section] key: message</c>, leaving out the line when it is 0 and the parts that are null.</summary>
    public override string ToString()
    {
        var location = Line > 0 ? $"{File}:{Line}: " : $"{File}: ";
        var section = Section is null ? "" : $"[{Section}] ";
        var key = Key is null ? "" : $"{Key}: ";
        return location + section + key + Message;
    }
}
