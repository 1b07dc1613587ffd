namespace AlSafe.Core.Whitelist;

/// <summary>What one <see cref="WhitelistStore.Apply"/> changed.</summary>
/// <param name="Installed">Tenants whose new whitelist is now in force.</param>
/// <param name="Rejected">Tenants whose new file was refused: each keeps the whitelist it had, if it had one.</param>
/// <param name="Removed">Tenants whose file is gone, and with it their whitelist.</param>
/// <param name="Errors">Why files were refused, including files that name no tenant.</param>
public sealed record WhitelistReload(
    IReadOnlyList<string> Installed,
    IReadOnlyList<string> Rejected,
    IReadOnlyList<string> Removed,
    IReadOnlyList<WhitelistError> Errors);
