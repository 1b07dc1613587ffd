namespace AlSafe.Core.Introspection;

/// <summary>Why an introspection gave no result. Each names a way a hostile or broken guest can mislead a walker.</summary>
public enum IntrospectionFault
{
    /// <summary>No profile's kernel was found in guest memory, or the one found failed validation.</summary>
    KernelNotRecognised,

    /// <summary>A pointer was not a canonical kernel address.</summary>
    NonCanonicalPointer,

    /// <summary>A virtual address had no mapping, or mapped outside the guest's RAM.</summary>
    Unmapped,

    /// <summary>A linked list led back onto itself somewhere other than its head.</summary>
    Cycle,

    /// <summary>A count, length or list exceeded the bounds introspection accepts.</summary>
    LimitExceeded,

    /// <summary>The introspection took longer than its deadline.</summary>
    DeadlineExceeded,

    /// <summary>Kernel data contradicted itself (for example a broken list link seen while reading live).</summary>
    Inconsistent,

    /// <summary>The hypervisor could not be asked to pause or resume the guest.</summary>
    Hypervisor,
}
