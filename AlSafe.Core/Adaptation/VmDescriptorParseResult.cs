using System.Diagnostics.CodeAnalysis;
using AlSafe.Core.Configuration;

namespace AlSafe.Core.Adaptation;

/// <summary>
/// The outcome of reading one VM descriptor: the descriptor, or every error found in the file (up to
/// <see cref="ConfigurationLimits.MaxErrors"/>) and no descriptor at all.
/// </summary>
public sealed class VmDescriptorParseResult
{
    private VmDescriptorParseResult(string file, string? name, VmDescriptor? descriptor, IReadOnlyList<ConfigurationError> errors)
    {
        File = file;
        Name = name;
        Descriptor = descriptor;
        Errors = errors;
    }

    public string File { get; }

    /// <summary>The VM the file is about, or null when its name does not name a VM.</summary>
    public string? Name { get; }

    /// <summary>The descriptor, when the file has no error.</summary>
    public VmDescriptor? Descriptor { get; }

    /// <summary>Empty exactly when <see cref="Descriptor"/> is set.</summary>
    public IReadOnlyList<ConfigurationError> Errors { get; }

    [MemberNotNullWhen(true, nameof(Descriptor))]
    public bool IsValid => Descriptor is not null;

    public static VmDescriptorParseResult Valid(VmDescriptor descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        return new VmDescriptorParseResult(descriptor.SourcePath, descriptor.Name, descriptor, []);
    }

    public static VmDescriptorParseResult Invalid(string file, string? name, IReadOnlyList<ConfigurationError> errors)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(errors);
        return errors.Count > 0
            ? new VmDescriptorParseResult(file, name, null, errors)
            : throw new ArgumentException("an invalid descriptor needs at least one error", nameof(errors));
    }
}
