namespace AlSafe.Tests.Profiles;

/// <summary>The table orders scripts/kallsyms.c has emitted.</summary>
public enum KallsymsLayout
{
    /// <summary>Up to 6.1: offsets, relative_base, num_syms, names, markers, token_table, token_index.</summary>
    UpTo61,

    /// <summary>6.2: as before with 4-byte kallsyms_seqs_of_names between markers and token_table.</summary>
    Seqs4Bytes,

    /// <summary>6.3: the same with 3-byte seqs.</summary>
    Seqs3Bytes,

    /// <summary>6.4 on: num_syms, names, markers, token_table, token_index, offsets, relative_base, seqs_of_names.</summary>
    From64,
}
