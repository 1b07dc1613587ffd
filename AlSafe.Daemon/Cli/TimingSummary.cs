namespace AlSafe.Daemon.Cli;

/// <summary>Median, minimum and maximum of repeated measurements, as an operator reads a cost.</summary>
public readonly record struct TimingSummary(double Median, double Min, double Max)
{
    public static TimingSummary Of(IReadOnlyList<double> samples)
    {
        if (samples.Count == 0)
        {
            return default;
        }

        var sorted = samples.Order().ToArray();
        var mid = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new TimingSummary(median, sorted[0], sorted[^1]);
    }

    public override string ToString() =>
        FormattableString.Invariant($"median {Median:0.000} ms, min {Min:0.000} ms, max {Max:0.000} ms");
}
