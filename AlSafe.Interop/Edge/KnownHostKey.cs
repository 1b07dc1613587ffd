namespace AlSafe.Interop.Edge;

/// <summary>One key line of a known_hosts file that names the host: its marker (<c>@revoked</c>,
/// <c>@cert-authority</c>, or null), key type and key blob.</summary>
internal sealed record KnownHostKey(string? Marker, string KeyType, byte[] Blob, int Line);
