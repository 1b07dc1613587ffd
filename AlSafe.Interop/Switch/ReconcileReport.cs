namespace AlSafe.Interop.Switch;

/// <summary>What one reconciliation found in the switch's table and what it did about it.</summary>
/// <param name="Missing">Flows of a desired plan (a VM's or the base plan) the switch did not have.</param>
/// <param name="Extra">Flows under AL-SAFE cookies that no desired plan has, including every flow of a cookie no
/// longer protected; all were removed (unless their owner's repair was refused).</param>
/// <param name="Foreign">Flows under cookies outside the AL-SAFE namespace: reported, never touched.</param>
/// <param name="Repaired">Owners (a VM, the base plan, a stale cookie) whose flows were rewritten.</param>
/// <param name="Failed">Owners whose repair the switch refused; their flows stay as they were.</param>
public sealed record ReconcileReport(int Missing, int Extra, int Foreign, int Repaired, int Failed)
{
    /// <summary>True when the table held exactly the desired flows under AL-SAFE cookies.</summary>
    public bool InSync => Missing == 0 && Extra == 0;
}
