namespace AlSafe.Interop.Edge;

/// <summary>What became of one VM's update; <see cref="Removed"/> and <see cref="Added"/> count the elements the
/// transaction deleted and added (0 unless <see cref="EdgeUpdateOutcome.Applied"/>).</summary>
public sealed record EdgeUpdateResult(string Vm, EdgeUpdateOutcome Outcome, int Removed, int Added, string? Error);
