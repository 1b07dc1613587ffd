namespace AlSafe.Core.Profiles.Elf;

/// <summary>One section header of an ELF64 image; <see cref="FileSize"/> is zero for sections without file contents
/// (SHT_NOBITS, such as .bss).</summary>
public readonly record struct ElfSection(string Name, uint Type, ulong Address, ulong Offset, ulong Size, ulong FileSize)
{
    public const uint NoteType = 7;
    public const uint NoBitsType = 8;
}
