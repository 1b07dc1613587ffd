using AlSafe.TestSupport.Synthetic;

namespace AlSafe.Tests.Introspection;

/// <summary>The 10,000-process guest, built once per test run because building it takes a second or two. Tests must
/// not write to it; corrupting tests use their own clone.</summary>
internal static class SyntheticLargeGuest
{
    public const int ProcessCount = 10_000;

    private static readonly Lazy<SyntheticGuest> Guest = new(() => SyntheticScenarios.Processes(ProcessCount).Build());

    public static SyntheticGuest Instance => Guest.Value;
}
