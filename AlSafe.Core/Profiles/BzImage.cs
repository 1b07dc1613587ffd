using System.Buffers.Binary;

namespace AlSafe.Core.Profiles;

/// <summary>
/// Finds the compressed vmlinux inside an x86 bzImage (Documentation/arch/x86/boot.rst): the real-mode setup
/// occupies (setup_sects + 1) sectors, and payload_offset/payload_length locate the payload relative to the
/// protected-mode code that follows it.
/// </summary>
public static class BzImage
{
    public const int HeaderMagicOffset = 0x202;

    private const int SetupSectorsOffset = 0x1f1;
    private const int PayloadOffsetField = 0x248;
    private const int PayloadLengthField = 0x24c;
    private const ushort MinPayloadProtocol = 0x0208;

    public static bool IsBzImage(ReadOnlySpan<byte> image) =>
        image.Length > HeaderMagicOffset + 4 && image.Slice(HeaderMagicOffset, 4).SequenceEqual("HdrS"u8);

    /// <summary>The xz-compressed vmlinux inside <paramref name="image"/>.</summary>
    /// <exception cref="InvalidDataException">Not a bzImage, a boot protocol without payload fields, a payload outside
    /// the file, or a compression other than xz (named in the message).</exception>
    public static ReadOnlyMemory<byte> XzPayload(ReadOnlyMemory<byte> file)
    {
        var image = file.Span;
        if (!IsBzImage(image) || image.Length < PayloadLengthField + 4)
        {
            throw new InvalidDataException("not a bzImage: no 'HdrS' setup header at 0x202");
        }

        var protocol = BinaryPrimitives.ReadUInt16LittleEndian(image[0x206..]);
        if (protocol < MinPayloadProtocol)
        {
            throw new InvalidDataException($"bzImage boot protocol {protocol >> 8}.{protocol & 0xff:d2} predates payload_offset (2.08)");
        }

        // A setup_sects of 0 means 4, for compatibility with ancient boot loaders.
        var setupSectors = image[SetupSectorsOffset] == 0 ? 4 : image[SetupSectorsOffset];
        var kernelStart = (long)(setupSectors + 1) * 512;
        var offset = kernelStart + BinaryPrimitives.ReadUInt32LittleEndian(image[PayloadOffsetField..]);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(image[PayloadLengthField..]);
        if (offset + length > image.Length || length < 6)
        {
            throw new InvalidDataException(
                $"bzImage payload ({length} bytes at 0x{offset:x}) lies outside the {image.Length}-byte file: truncated?");
        }

        var payload = image.Slice((int)offset, (int)length);
        return payload.StartsWith((ReadOnlySpan<byte>)[0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00])
            ? file.Slice((int)offset, (int)length)
            : throw new InvalidDataException($"bzImage payload is {Compression(payload)}; only xz (Debian's choice) is supported");
    }

    private static string Compression(ReadOnlySpan<byte> payload) => payload switch
    {
        [0x1f, 0x8b, ..] => "gzip-compressed",
        [0x28, 0xb5, 0x2f, 0xfd, ..] => "zstd-compressed",
        [0x42, 0x5a, 0x68, ..] => "bzip2-compressed",
        [0x02, 0x21, 0x4c, 0x18, ..] => "lz4-compressed",
        [0x89, 0x4c, 0x5a, 0x4f, ..] => "lzo-compressed",
        [0x5d, 0x00, 0x00, ..] => "lzma-compressed",
        [0x7f, 0x45, 0x4c, 0x46, ..] => "an uncompressed ELF",
        _ => $"of unknown format (starts {Convert.ToHexStringLower(payload[..Math.Min(6, payload.Length)])})",
    };
}
