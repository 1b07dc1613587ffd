using System.Globalization;
using AlSafe.Core.Configuration;

namespace AlSafe.Lab;

/// <summary>One node the load benchmark measures: <paramref name="Vms"/> guests, each introspected every
/// <paramref name="Period"/>.</summary>
internal sealed record LoadRun(int Vms, TimeSpan Period)
{
    /// <summary>The cycles the engine is asked for: every VM once per period.</summary>
    public double ConfiguredCyclesPerSecond => Vms / Period.TotalSeconds;

    /// <summary>Reads <c>VMS@PERIOD</c>, e.g. <c>20@1s</c>; null with <paramref name="error"/> set when it is not one.</summary>
    public static LoadRun? Parse(string text, out string? error)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || !int.TryParse(text.AsSpan(0, at), NumberStyles.None, CultureInfo.InvariantCulture, out var vms) || vms is < 1 or > 250)
        {
            error = $"'{text}' is not VMS@PERIOD with 1 to 250 VMs (the VMs own 192.0.2.1 to .250), e.g. 20@1s";
            return null;
        }

        error = ConfigurationValues.Duration(text[(at + 1)..], out var period);
        if (error is null && period < TimeSpan.FromSeconds(1))
        {
            error = $"'{text}': the daemon's shortest period is 1s";
        }

        return error is null ? new LoadRun(vms, period) : null;
    }

    public override string ToString() => $"{Vms}@{ConfigurationValues.FormatDuration(Period)}";
}
