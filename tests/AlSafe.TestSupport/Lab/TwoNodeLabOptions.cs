namespace AlSafe.TestSupport.Lab;

/// <summary>What one <see cref="TwoNodeLab"/> runs.</summary>
public sealed record TwoNodeLabOptions
{
    /// <summary>The lab guest (VM lab1) on node 1. Its <see cref="LabGuestOptions.Name"/> must be unique among guests
    /// running at once, and a migration's destination is named after it (NAME-dst).</summary>
    public LabGuestOptions Guest { get; init; } = new() { Name = "twonode-lab1" };
}
