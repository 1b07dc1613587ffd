using System.Globalization;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Rules.Edge;

/// <summary>
/// What differs between the edge's table, as read back, and what one node expects there, with the one transaction
/// that repairs it. A node repairs the shared chains (to their one fixed content, the same whoever writes it) and its
/// own objects; in the shared chains it adds or deletes only rules that enter its own chains, and rules that enter no
/// node's chain, so a repair never takes anything from another node.
/// </summary>
public sealed class EdgeRepair
{
    private EdgeRepair(IReadOnlyList<string> findings, string script)
    {
        Findings = findings;
        Script = script;
    }

    /// <summary>One line per difference found, in the order the table is checked.</summary>
    public IReadOnlyList<string> Findings { get; }

    /// <summary>The <c>nft -f</c> transaction that repairs every finding; empty when there is none.</summary>
    public string Script { get; }

    public bool IsEmpty => Findings.Count == 0;

    /// <summary>
    /// Compares the edge's table with the node's share of it. <paramref name="elements"/> is every element the node's
    /// sets should hold; null leaves the elements as they are (installing or checking the structure alone, as
    /// <c>alsafe edge init</c> does while a daemon may own the elements), except in a set that must be declared again.
    /// </summary>
    public static EdgeRepair Compute(EdgeTableState edge, EdgeNode node, IReadOnlyCollection<EdgeElement>? elements)
    {
        ArgumentNullException.ThrowIfNull(edge);
        ArgumentNullException.ThrowIfNull(node);
        var check = new Check(edge, node, elements);
        return check.Run();
    }

    private sealed class Check(EdgeTableState edge, EdgeNode node, IReadOnlyCollection<EdgeElement>? elements)
    {
        private readonly List<string> _findings = [];
        private readonly EdgeTransaction _transaction = new();
        private readonly List<string> _baseChainStatements = [];
        private bool _rewriteAllow;
        private bool _rewriteGuard;

        private static string Table => $"{NftFormatter.Family} {NftFormatter.Table}";

        public EdgeRepair Run()
        {
            if (!edge.Exists)
            {
                _findings.Add($"table {Table} is missing");
            }

            CheckBaseChain();
            _rewriteAllow = !ChainHolds(node.AllowChain, EdgeLayout.AllowRules(node));
            _rewriteGuard = !ChainHolds(node.GuardChain, EdgeLayout.GuardRules(node));
            foreach (var set in EdgeLayout.Sets(node))
            {
                CheckSet(set);
            }

            if (_rewriteAllow)
            {
                EdgeScript.RewriteChain(_transaction, node.AllowChain, EdgeLayout.AllowRules(node));
            }

            if (_rewriteGuard)
            {
                EdgeScript.RewriteChain(_transaction, node.GuardChain, EdgeLayout.GuardRules(node));
            }

            CheckJumps(EdgeLayout.NodesChain, "allow_", node.AllowChain, EdgeLayout.NodesJump(node));
            CheckJumps(EdgeLayout.GuardChain, "guard_", node.GuardChain, EdgeLayout.GuardJump(node));
            if (_findings.Count == 0)
            {
                return new EdgeRepair([], string.Empty);
            }

            // Declarations are idempotent: the repair starts from them whatever the edge holds, and a table that was
            // missing is then reported as that one finding, not as every object it held.
            _transaction.Head($"add table {Table}");
            foreach (var chain in new[] { EdgeLayout.NodesChain, EdgeLayout.GuardChain, node.AllowChain, node.GuardChain })
            {
                _transaction.Head($"add chain {Table} {chain}");
            }

            foreach (var statement in _baseChainStatements)
            {
                _transaction.Head(statement);
            }

            return new EdgeRepair(edge.Exists ? _findings : _findings.Take(1).ToList(), _transaction.Render());
        }

        // The base chain's content is the same whichever node writes it, so it is always written whole: flushed and
        // filled in one transaction. Two nodes installing the table at once then leave it whole, not doubled.
        private void CheckBaseChain()
        {
            var chain = edge.Chains.GetValueOrDefault(EdgeLayout.BaseChain);
            if (chain is null)
            {
                _findings.Add($"chain {EdgeLayout.BaseChain} is missing");
            }
            else if (chain is not { Type: "filter", Hook: "forward", Priority: 0, Policy: "accept" })
            {
                // A base chain's hook and priority cannot be changed in place: it is declared again.
                _findings.Add($"chain {EdgeLayout.BaseChain} is {Describe(chain)}, not type filter hook forward priority 0 policy accept");
                _baseChainStatements.Add($"flush chain {Table} {EdgeLayout.BaseChain}");
                _baseChainStatements.Add($"delete chain {Table} {EdgeLayout.BaseChain}");
            }
            else if (!RulesMatch(chain.Rules, EdgeLayout.BaseRules))
            {
                _findings.Add($"chain {EdgeLayout.BaseChain} holds {Rules(chain.Rules)}, not AL-SAFE's {EdgeLayout.BaseRules.Count} rules");
            }
            else
            {
                return;
            }

            _baseChainStatements.Add($"add chain {Table} {EdgeLayout.BaseChain} {EdgeLayout.BaseChainDeclaration}");
            _baseChainStatements.Add($"flush chain {Table} {EdgeLayout.BaseChain}");
            _baseChainStatements.AddRange(EdgeLayout.BaseRules.Select(rule => $"add rule {Table} {EdgeLayout.BaseChain} {rule.Text}"));
        }

        private bool ChainHolds(string name, IReadOnlyList<EdgeRuleDefinition> rules)
        {
            var chain = edge.Chains.GetValueOrDefault(name);
            if (chain is null)
            {
                _findings.Add($"chain {name} is missing");
                return false;
            }

            if (!RulesMatch(chain.Rules, rules))
            {
                _findings.Add($"chain {name} holds {Rules(chain.Rules)}, not AL-SAFE's {rules.Count} rules");
                return false;
            }

            return true;
        }

        private void CheckSet(EdgeSetDefinition definition)
        {
            var set = edge.Sets.GetValueOrDefault(definition.Name);
            var owner = definition.Direction is null ? node.GuardChain : node.AllowChain;
            if (set is not null && !definition.IsMatchedBy(set))
            {
                _findings.Add($"set {definition.Name} has type {string.Join(" . ", set.Type)} flags [{string.Join(",", set.Flags)}], " +
                              $"not {string.Join(" . ", definition.Type)}{(definition.IsInterval ? " flags [interval]" : string.Empty)}");
                _transaction.DeleteSet(definition.Name);
                set = null;
                MarkRewrite(owner);
            }
            else if (set is null)
            {
                _findings.Add($"set {definition.Name} is missing");
                MarkRewrite(owner);
            }

            if (set is null)
            {
                _transaction.DeclareSet(definition);
                if (definition.Direction is null)
                {
                    _transaction.AddPrefixes(definition.Name, Protected(definition));
                }
                else if (elements is not null)
                {
                    _transaction.AddElements(definition.Name, Expected(definition));
                }

                return;
            }

            if (definition.Direction is null)
            {
                CheckPrefixes(definition, set);
            }
            else if (elements is not null)
            {
                CheckElements(definition, set);
            }
        }

        private void CheckPrefixes(EdgeSetDefinition definition, EdgeSetState set)
        {
            var wanted = Protected(definition);
            if (set.Elements.Count == 0 && set.Unreadable.Count == 0 && set.Prefixes.ToHashSet().SetEquals(wanted) && set.Prefixes.Count == wanted.Count)
            {
                return;
            }

            _findings.Add($"set {definition.Name} holds {Describe(set)}, not the protected prefixes {string.Join(", ", wanted)}");
            _transaction.DeleteSet(definition.Name);
            _transaction.DeclareSet(definition);
            _transaction.AddPrefixes(definition.Name, wanted);
            MarkRewrite(node.GuardChain);
        }

        private void CheckElements(EdgeSetDefinition definition, EdgeSetState set)
        {
            var wanted = Expected(definition);
            var present = set.Elements.ToHashSet();
            var unreadable = set.Unreadable.Count + set.Prefixes.Count;
            var missing = wanted.Count(element => !present.Contains(element));
            var unexpected = present.Count(element => !wanted.Contains(element));
            if (missing == 0 && unexpected == 0 && unreadable == 0)
            {
                return;
            }

            var first = set.Unreadable.Count > 0 ? $" (first: {set.Unreadable[0]})" : string.Empty;
            _findings.Add(string.Create(CultureInfo.InvariantCulture,
                $"set {definition.Name}: {missing} of {wanted.Count} expected elements missing, {unexpected} unexpected, {unreadable} unreadable{first}"));
            if (EdgeScript.ChangeElements(_transaction, definition, present, unreadable, wanted))
            {
                MarkRewrite(node.AllowChain);
            }
        }

        // In a shared chain, the node keeps exactly one rule entering its own chain, and deletes rules that enter no
        // node's chain at all; rules entering another node's chain are that node's business.
        private void CheckJumps(string chainName, string nodePrefix, string own, EdgeRuleDefinition jump)
        {
            var rules = edge.Chains.GetValueOrDefault(chainName)?.Rules ?? [];
            var kept = rules.FirstOrDefault(jump.IsMatchedBy);
            if (kept is null)
            {
                _findings.Add($"chain {chainName} has no jump to {own}");
                _transaction.AddRule(chainName, jump);
            }

            foreach (var rule in rules.Where(rule => !ReferenceEquals(rule, kept)))
            {
                var entersNode = rule.Statements.Any(statement =>
                    statement.StartsWith("jump " + nodePrefix, StringComparison.Ordinal) || statement.StartsWith("goto " + nodePrefix, StringComparison.Ordinal));
                if (rule.Enters(own))
                {
                    Delete(chainName, rule, $"is another rule entering {own}");
                }
                else if (!entersNode)
                {
                    Delete(chainName, rule, "enters no node's chain");
                }
            }
        }

        private void Delete(string chainName, EdgeRuleState rule, string why)
        {
            if (rule.Handle <= 0)
            {
                _findings.Add($"chain {chainName}: a rule ({Describe(rule)}) {why}, but the edge gave no handle to delete it by");
                return;
            }

            _findings.Add(string.Create(CultureInfo.InvariantCulture, $"chain {chainName}: rule handle {rule.Handle} ({Describe(rule)}) {why}"));
            _transaction.DeleteRule(chainName, rule.Handle);
        }

        private void MarkRewrite(string chain)
        {
            if (chain == node.AllowChain)
            {
                _rewriteAllow = true;
            }
            else
            {
                _rewriteGuard = true;
            }
        }

        private HashSet<EdgeElement> Expected(EdgeSetDefinition definition) =>
            elements!.Where(element => node.SetName(element) == definition.Name).ToHashSet();

        private List<AddressPrefix> Protected(EdgeSetDefinition definition) =>
            [.. node.ProtectedPrefixes.Where(prefix => prefix.Family == definition.Family)];

        private static bool RulesMatch(IReadOnlyList<EdgeRuleState> rules, IReadOnlyList<EdgeRuleDefinition> definitions) =>
            rules.Count == definitions.Count && rules.Zip(definitions).All(pair => pair.Second.IsMatchedBy(pair.First));

        private static string Rules(IReadOnlyList<EdgeRuleState> rules) =>
            rules.Count == 0 ? "no rule" : $"{rules.Count} rules ({string.Join("; ", rules.Take(4).Select(Describe))}{(rules.Count > 4 ? "; ..." : string.Empty)})";

        private static string Describe(EdgeRuleState rule) =>
            string.Join(' ', rule.Matches.Concat(rule.Sets.Select(set => "@" + set)).Concat(rule.Statements));

        private static string Describe(EdgeChainState chain) =>
            $"type {chain.Type ?? "none"} hook {chain.Hook ?? "none"} priority {chain.Priority?.ToString(CultureInfo.InvariantCulture) ?? "none"} policy {chain.Policy ?? "none"}";

        private static string Describe(EdgeSetState set) =>
            set.Count == 0 ? "nothing" : string.Join(", ", set.Prefixes.Select(prefix => prefix.ToString()).Concat(set.Elements.Select(NftFormatter.Element)).Concat(set.Unreadable));
    }
}
