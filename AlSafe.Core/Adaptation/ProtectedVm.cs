using AlSafe.Core.Decisions;
using AlSafe.Core.Ports;
using AlSafe.Core.Whitelist;

namespace AlSafe.Core.Adaptation;

/// <summary>The engine's state of one VM. Fields are read and written under <see cref="Gate"/>, except those the
/// status snapshot reads, which are written whole (references) and read without it.</summary>
internal sealed class ProtectedVm(string name)
{
    public string Name { get; } = name;

    /// <summary>Serializes the VM's cycles, port changes and withdrawals.</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    public volatile VmDescriptor? Descriptor;
    public volatile VmPortBinding? Binding;
    public volatile IGuestIntrospection? Channel;
    public volatile VerdictReport? Report;
    public volatile GrantSet? Enforced;
    public volatile string? LastError;
    public volatile int Failures;
    public TimeSpan? PeriodOverride;
    public DateTimeOffset? LastIntrospection;
    public TimeSpan LastTriggered = TimeSpan.MinValue;

    /// <summary>The whitelist the compiled engine below was made from: recompiled when the store hands out another.</summary>
    public TenantWhitelist? CompiledFrom;
    public VerdictEngine? Verdicts;
}
