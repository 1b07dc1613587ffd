namespace AlSafe.TestSupport.Synthetic;

/// <summary>The machine-level choices of a synthetic guest; <see cref="SyntheticGuestBuilder"/> validates them.</summary>
internal sealed record SyntheticGuestOptions(
    int PagingLevels,
    ulong Slide,
    ulong PhysicalBase,
    ulong PageOffsetBase,
    ulong DirectMapPageSize,
    bool WithFiveLevelSymbol);
