namespace AlSafe.Core.Whitelist;

/// <summary>A tenant's whole, valid whitelist: the entries of one file, in file order. Only ever applied to that tenant's VMs.</summary>
public sealed record TenantWhitelist(string Tenant, string File, IReadOnlyList<WhitelistEntry> Entries);
