namespace AlSafe.Core.Introspection;

/// <summary>Pauses and resumes a guest's vCPUs so that a walk sees one coherent moment (QMP stop/cont for QEMU).</summary>
public interface IGuestPauser
{
    Task PauseAsync(CancellationToken cancellationToken);

    Task ResumeAsync(CancellationToken cancellationToken);
}
