using System.Text;

namespace AlSafe.Core.Rules.Switch;

/// <summary>
/// OpenFlow cookies of AL-SAFE flows. The high 16 bits mark a flow as AL-SAFE's, so flows other tools add to the
/// bridge are never touched; the low 48 bits name the VM, so one VM's flows are selected exactly (<c>cookie=X/-1</c>)
/// and replaced without touching another VM's. VM part 0 is the bridge-wide base plan.
/// </summary>
public static class RuleCookie
{
    /// <summary>The cookie of the bridge-wide flows that belong to no VM.</summary>
    public const ulong Base = 0xa15a_0000_0000_0000;

    /// <summary>The mask selecting every AL-SAFE flow: <c>cookie=0xa15a000000000000/0xffff000000000000</c>.</summary>
    public const ulong NamespaceMask = 0xffff_0000_0000_0000;

    private const ulong VmMask = ~NamespaceMask;
    private const ulong FnvOffsetBasis = 0xcbf2_9ce4_8422_2325;
    private const ulong FnvPrime = 0x0000_0100_0000_01b3;

    /// <summary>
    /// The cookie of the VM named <paramref name="vmName"/>: stable across runs, processes and machines (FNV-1a of the
    /// UTF-8 name, folded to 48 bits), so a restarted daemon finds the flows it installed before.
    /// </summary>
    public static ulong ForVm(string vmName)
    {
        ArgumentException.ThrowIfNullOrEmpty(vmName);
        var hash = FnvOffsetBasis;
        foreach (var octet in Encoding.UTF8.GetBytes(vmName))
        {
            hash = (hash ^ octet) * FnvPrime;
        }

        var vmPart = (hash ^ (hash >> 48)) & VmMask;
        return Base | (vmPart == 0 ? 1 : vmPart);
    }

    /// <summary>True for a cookie of one VM: in the AL-SAFE namespace and not the base plan's.</summary>
    public static bool IsVmCookie(ulong cookie) => (cookie & NamespaceMask) == Base && (cookie & VmMask) != 0;
}
