using System.Diagnostics.CodeAnalysis;

namespace AlSafe.Core.Whitelist;

/// <summary>
/// The outcome of reading one whitelist file: the whole whitelist, or every error found (up to
/// <see cref="WhitelistLimits.MaxErrors"/>) and no whitelist at all. A file is never applied in part: half a policy
/// could allow what the rest of the file was meant to narrow.
/// </summary>
public sealed class WhitelistParseResult
{
    private WhitelistParseResult(string file, string? tenant, TenantWhitelist? whitelist, IReadOnlyList<WhitelistError> errors)
    {
        File = file;
        Tenant = tenant;
        Whitelist = whitelist;
        Errors = errors;
    }

    public string File { get; }

    /// <summary>The tenant the file belongs to, or null when its name does not name a tenant.</summary>
    public string? Tenant { get; }

    /// <summary>The whitelist, when the file has no error.</summary>
    public TenantWhitelist? Whitelist { get; }

    /// <summary>Empty exactly when <see cref="Whitelist"/> is set.</summary>
    public IReadOnlyList<WhitelistError> Errors { get; }

    [MemberNotNullWhen(true, nameof(Whitelist))]
    public bool IsValid => Whitelist is not null;

    public static WhitelistParseResult Valid(TenantWhitelist whitelist)
    {
        ArgumentNullException.ThrowIfNull(whitelist);
        return new WhitelistParseResult(whitelist.File, whitelist.Tenant, whitelist, []);
    }

    public static WhitelistParseResult Invalid(string file, string? tenant, IReadOnlyList<WhitelistError> errors)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count > 0
            ? new WhitelistParseResult(file, tenant, null, errors)
            : throw new ArgumentException("an invalid whitelist needs at least one error", nameof(errors));
    }
}
