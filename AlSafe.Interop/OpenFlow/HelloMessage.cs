namespace AlSafe.Interop.OpenFlow;

/// <summary>A decoded OFPT_HELLO: the sender's highest version and, since OpenFlow 1.3.1, the exact set it speaks.</summary>
public sealed class HelloMessage
{
    public HelloMessage(byte headerVersion, IReadOnlyList<uint> versionBitmap)
    {
        HeaderVersion = headerVersion;
        VersionBitmap = versionBitmap;
    }

    /// <summary>The version in the HELLO's header: the highest the sender speaks.</summary>
    public byte HeaderVersion { get; }

    /// <summary>The OFPHET_VERSIONBITMAP words (bit n of word w is wire version 32w + n); empty when the sender
    /// included none, as pre-1.3.1 switches do.</summary>
    public IReadOnlyList<uint> VersionBitmap { get; }

    /// <summary>Whether the sender speaks <paramref name="version"/>: by its bitmap when it sent one, otherwise every
    /// version up to its header's, which is what the spec lets a bitmap-less peer mean.</summary>
    public bool Supports(byte version)
    {
        if (VersionBitmap.Count == 0)
        {
            return version <= HeaderVersion;
        }

        var word = version / 32;
        return word < VersionBitmap.Count && (VersionBitmap[word] & (1u << (version % 32))) != 0;
    }

    public override string ToString()
    {
        var versions = Enumerable.Range(1, 63).Where(v => Supports((byte)v)).Select(v => OpenFlowNames.Version((byte)v));
        return $"HELLO {OpenFlowNames.Version(HeaderVersion)}, speaks {string.Join(", ", versions)}";
    }
}
