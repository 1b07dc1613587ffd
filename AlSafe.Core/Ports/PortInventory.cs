namespace AlSafe.Core.Ports;

/// <summary>
/// The VM NICs bound to switch ports, and the events that take one full view of the switch's interfaces to the next.
/// Pure and deterministic: the same sequence of views gives the same events in the same order.
/// </summary>
/// <remarks>
/// It takes whole views rather than row updates because an interface's bridge lives in other tables (Port, Bridge):
/// the caller keeps the database replica and projects it, and a resynchronisation after a lost connection is then just
/// one more view whose differences come out as events.
/// <para>A VM may own several NICs; two interfaces that claim the same VM NIC (same VM and same
/// <see cref="VmPortBinding.Nic"/>) are both refused, and a binding already held by one of them is removed: it cannot
/// be told which one the VM is really behind, so neither gets its rules. When only one is left it is bound again.</para>
/// <para>Events come out as removals, moves, additions, then refusals and pending ports, each group sorted: a port
/// number one binding gives up is released before another binding takes it.</para>
/// </remarks>
public sealed class PortInventory
{
    private readonly VmPortResolver _resolver;
    private Dictionary<(string Vm, string Nic), VmPortBinding> _bindings = [];
    private Dictionary<string, PortEvent> _unbound = new(StringComparer.Ordinal);

    public PortInventory(VmPortResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        _resolver = resolver;
    }

    /// <summary>The current bindings, by VM then NIC.</summary>
    public IReadOnlyList<VmPortBinding> Bindings =>
        [.. _bindings.Values.OrderBy(b => b.Vm, StringComparer.Ordinal).ThenBy(b => b.Nic, StringComparer.Ordinal)];

    /// <summary>Takes the next full view of the switch's interfaces and returns what changed.</summary>
    /// <exception cref="ArgumentException">Two ports have the same interface name (the database indexes it).</exception>
    public IReadOnlyList<PortEvent> Update(IEnumerable<SwitchPort> ports)
    {
        ArgumentNullException.ThrowIfNull(ports);
        var claims = new List<VmPortClaim>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var port in ports)
        {
            if (!names.Add(port.InterfaceName))
            {
                throw new ArgumentException($"interface {PortText.Quote(port.InterfaceName)} appears twice in one view", nameof(ports));
            }

            if (_resolver.Resolve(port) is { } claim)
            {
                claims.Add(claim);
            }
        }

        var bindings = new Dictionary<(string Vm, string Nic), VmPortBinding>();
        var unbound = new Dictionary<string, PortEvent>(StringComparer.Ordinal);
        foreach (var claim in claims.Where(c => c.Problem is not null))
        {
            unbound[claim.Port.InterfaceName] = new VmPortRefused(claim.Port.InterfaceName, claim.Vm, claim.Problem!);
        }

        foreach (var group in claims.Where(c => c.Problem is null).GroupBy(c => (Vm: c.Vm!, c.Nic)))
        {
            var rivals = group.Select(c => c.Port.InterfaceName).Order(StringComparer.Ordinal).ToList();
            if (rivals.Count > 1)
            {
                var reason = $"interfaces {string.Join(", ", rivals)} all claim NIC '{group.Key.Nic}' of VM {group.Key.Vm}";
                foreach (var name in rivals)
                {
                    unbound[name] = new VmPortRefused(name, group.Key.Vm, reason);
                }

                continue;
            }

            var claim = group.Single();
            if (claim.ToBinding() is { } binding)
            {
                bindings[group.Key] = binding;
            }
            else
            {
                unbound[claim.Port.InterfaceName] = new VmPortPending(claim.Port.InterfaceName, group.Key.Vm);
            }
        }

        var events = Differences(bindings, unbound);
        _bindings = bindings;
        _unbound = unbound;
        return events;
    }

    private List<PortEvent> Differences(Dictionary<(string Vm, string Nic), VmPortBinding> bindings,
        Dictionary<string, PortEvent> unbound)
    {
        var removed = new List<PortEvent>();
        var moved = new List<PortEvent>();
        var added = new List<PortEvent>();
        foreach (var key in _bindings.Keys.Union(bindings.Keys).OrderBy(k => k.Vm, StringComparer.Ordinal)
                     .ThenBy(k => k.Nic, StringComparer.Ordinal))
        {
            var had = _bindings.GetValueOrDefault(key);
            var has = bindings.GetValueOrDefault(key);
            if (had is not null && has is null)
            {
                removed.Add(new VmPortRemoved(had));
            }
            else if (had is null && has is not null)
            {
                added.Add(new VmPortAdded(has));
            }
            else if (had is not null && has is not null && had != has)
            {
                moved.Add(new VmPortMoved(had, has));
            }
        }

        // Only entering a state, or a new reason for it, is news: the same refusal on every view would flood the log.
        var notices = unbound.OrderBy(u => u.Key, StringComparer.Ordinal)
            .Where(u => !Equals(_unbound.GetValueOrDefault(u.Key), u.Value))
            .Select(u => u.Value)
            .OrderBy(e => e is VmPortPending);
        return [.. removed, .. moved, .. added, .. notices];
    }
}
