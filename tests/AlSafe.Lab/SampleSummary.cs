namespace AlSafe.Lab;

/// <summary>Median, minimum and maximum of the samples that got through, and how many did not.</summary>
internal sealed record SampleSummary(int Count, int Failed, TimeSpan? Median, TimeSpan? Min, TimeSpan? Max)
{
    /// <summary>Summarises <paramref name="samples"/>; a null sample is one that did not get through in time.</summary>
    public static SampleSummary Of(IReadOnlyCollection<TimeSpan?> samples)
    {
        var done = samples.OfType<TimeSpan>().Order().ToList();
        if (done.Count == 0)
        {
            return new SampleSummary(samples.Count, samples.Count, null, null, null);
        }

        var middle = done.Count / 2;
        var median = done.Count % 2 == 1 ? done[middle] : (done[middle - 1] + done[middle]) / 2;
        return new SampleSummary(samples.Count, samples.Count - done.Count, median, done[0], done[^1]);
    }

    /// <summary>Seconds with two decimals, or a dash when no sample got through.</summary>
    public static string Seconds(TimeSpan? time) => time is { } t ? $"{t.TotalSeconds:0.00} s" : "-";

    public override string ToString() =>
        $"median {Seconds(Median)}, min {Seconds(Min)}, max {Seconds(Max)} ({Count - Failed} of {Count} got through)";
}
