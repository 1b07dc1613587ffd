namespace AlSafe.Core.Introspection.Model;

/// <summary>Where an introspection spent its time. Pause is zero when the guest was read live.</summary>
public sealed record IntrospectionTimings(TimeSpan Walk, TimeSpan Pause, int PagesTouched);
