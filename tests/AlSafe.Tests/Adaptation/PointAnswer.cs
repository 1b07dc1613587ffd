namespace AlSafe.Tests.Adaptation;

/// <summary>How a <see cref="RecordingEnforcementPoint"/> answers an EnforceAsync.</summary>
internal enum PointAnswer
{
    Accept,
    Refuse,
    Throw,
}
