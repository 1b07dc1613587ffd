using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace AlSafe.Core.Whitelist;

/// <summary>
/// The whitelists in force: the last good one of each tenant. Readers take an immutable snapshot that a reload swaps
/// whole, so a verdict never sees half a reload. Lookups are by tenant only and hand out that tenant's own whitelist:
/// which VM belongs to which tenant is the caller's knowledge, so no file can reach another tenant's VMs.
/// </summary>
public sealed class WhitelistStore
{
    private readonly Lock _writer = new();
    private FrozenDictionary<string, TenantWhitelist> _current = FrozenDictionary<string, TenantWhitelist>.Empty;

    /// <summary>Every tenant's whitelist, as of the last completed reload.</summary>
    public IReadOnlyDictionary<string, TenantWhitelist> Current => Volatile.Read(ref _current);

    public bool TryGet(string tenant, [MaybeNullWhen(false)] out TenantWhitelist whitelist) => Current.TryGetValue(tenant, out whitelist);

    /// <summary>Loads <paramref name="path"/> (see <see cref="WhitelistDirectory.Load"/>) and applies it.</summary>
    public WhitelistReload Reload(string path, Action<string> note) => Apply(WhitelistDirectory.Load(path, note));

    /// <summary>
    /// Makes <paramref name="results"/> the whole configuration. A tenant with a valid file gets it. A tenant whose
    /// file is refused keeps what it had: a typo in a file must not cut off the services the previous file allowed.
    /// A tenant without a file loses its whitelist, so its VMs fall back to default deny: removing the file is how an
    /// operator withdraws a policy, and keeping it would leave open what nobody wants open any more.
    /// </summary>
    /// <exception cref="ArgumentException">Two results name the same tenant.</exception>
    public WhitelistReload Apply(IEnumerable<WhitelistParseResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        lock (_writer)
        {
            var previous = _current;
            var next = new Dictionary<string, TenantWhitelist>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var installed = new List<string>();
            var rejected = new List<string>();
            var errors = new List<WhitelistError>();
            foreach (var result in results)
            {
                errors.AddRange(result.Errors);
                if (result.Tenant is not { } tenant)
                {
                    continue;
                }

                if (!seen.Add(tenant))
                {
                    throw new ArgumentException($"tenant {tenant} has two whitelist files (the second is {result.File})", nameof(results));
                }

                if (result.IsValid)
                {
                    next[tenant] = result.Whitelist;
                    installed.Add(tenant);
                }
                else
                {
                    if (previous.TryGetValue(tenant, out var kept))
                    {
                        next[tenant] = kept;
                    }

                    rejected.Add(tenant);
                }
            }

            var removed = previous.Keys.Where(t => !seen.Contains(t)).Order(StringComparer.Ordinal).ToList();
            Volatile.Write(ref _current, next.ToFrozenDictionary(StringComparer.Ordinal));
            return new WhitelistReload(installed, rejected, removed, errors);
        }
    }
}
