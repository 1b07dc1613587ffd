namespace AlSafe.Core.Profiles;

/// <summary>Where a bitfield member lies in its struct, which a byte offset cannot say.</summary>
/// <param name="BitOffset">Bits from the struct's first byte to the member's lowest bit. x86-64 fills bitfields from
/// the least significant bit up, so the bit lies at bit <c>BitOffset % 8</c> of byte <c>BitOffset / 8</c>.</param>
/// <param name="BitLength">The member's width in bits.</param>
public readonly record struct BitField(ulong BitOffset, int BitLength)
{
    /// <summary>The widest bitfield C allows: one of a 64-bit type.</summary>
    public const int MaxBitLength = 64;

    /// <summary>True when every bit of the member lies inside a struct of <paramref name="structSize"/> bytes.</summary>
    public bool FitsIn(ulong structSize)
    {
        var structBits = (UInt128)structSize * 8;
        return BitLength is > 0 and <= MaxBitLength && (UInt128)BitOffset + (ulong)BitLength <= structBits;
    }
}
