namespace AlSafe.Interop.Packages;

/// <summary>What a Debian kernel package contributes to a profile: the compressed kernel image and, when the package
/// has one, the text of its System.map (in Debian's packages a stub).</summary>
public sealed record KernelPackageFiles(string ImageName, byte[] Image, string? SystemMap);
