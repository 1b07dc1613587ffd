using AlSafe.Core.Adaptation.Handoff;
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

    /// <summary>Set while the VM is handed off to another node: no cycle runs and its rules stay until it leaves.</summary>
    public volatile VmHandoff? Exported;

    /// <summary>An exported VM whose rules were withdrawn by an explicit release while its port stayed.</summary>
    public bool Released;

    /// <summary>A hand-off taken for this VM: its grants are the VM's rules until its first cycle here succeeds.</summary>
    public volatile VmHandoff? Imported;

    /// <summary>The export time of the last hand-off imported, so that the same or an older one is not taken again.</summary>
    public DateTimeOffset? LastImportedExport;

    /// <summary>No cycle runs before this (scheduler time): an imported guest may still be arriving.</summary>
    public TimeSpan NotBefore = TimeSpan.MinValue;

    /// <summary>The whitelist the compiled engine below was made from: recompiled when the store hands out another.</summary>
    public TenantWhitelist? CompiledFrom;
    public VerdictEngine? Verdicts;
}
