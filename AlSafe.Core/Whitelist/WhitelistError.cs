namespace AlSafe.Core.Whitelist;

/// <summary>One reason a whitelist file was refused, located to the byte column (1-based) and the column's name.</summary>
/// <param name="Field">The whitelist column (vm, process, user, proto, direction, local_port, remote, remote_port), or null when the error is about the line or file.</param>
public sealed record WhitelistError(string File, int Line, int Column, string? Field, string Message)
{
    public override string ToString() =>
        Field is null ? $"{File}:{Line}:{Column}: {Message}" : $"{File}:{Line}:{Column}: {Field}: {Message}";
}
