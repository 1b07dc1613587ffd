namespace AlSafe.Interop.Edge;

/// <summary>
/// Decides whether the key an edge host presents is the one known for it. There is no "accept new" and no "accept
/// changed": a host with no known key and a host with another key are both refused, since either is what a
/// man in the middle looks like.
/// </summary>
internal sealed class EdgeHostKeyPolicy
{
    private const string CertificateSuffix = "-cert-v01@openssh.com";

    private readonly IReadOnlyList<KnownHostKey> _known;
    private readonly string? _pinned;
    private readonly string _source;

    private EdgeHostKeyPolicy(IReadOnlyList<KnownHostKey> known, string? pinned, string source)
    {
        _known = known;
        _pinned = pinned;
        _source = source;
    }

    public static EdgeHostKeyPolicy FromOptions(EdgeHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.HostKeyFingerprint is { } fingerprint)
        {
            var pinned = fingerprint.StartsWith("SHA256:", StringComparison.Ordinal) ? fingerprint["SHA256:".Length..] : fingerprint;
            pinned = pinned.TrimEnd('=');
            if (pinned.Length != 43)
            {
                throw new EdgeException(EdgeFault.HostKeyRejected,
                    $"the pinned host key fingerprint '{fingerprint}' is not SHA256:<43 base64 characters>, as ssh-keygen -lf prints it");
            }

            return new EdgeHostKeyPolicy([], pinned, "the pinned fingerprint");
        }

        var path = options.KnownHostsPath!;
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new EdgeException(EdgeFault.HostKeyRejected, $"cannot read known_hosts file {path}: {e.Message}", innerException: e);
        }

        return new EdgeHostKeyPolicy(KnownHosts.For(text, options.Host, options.Port), null, path);
    }

    /// <summary>
    /// The host key algorithms worth offering: those of the key types known for the host (so a host holding several
    /// keys shows the one known, as ssh orders them too), never certificates, which are not checked here. Every plain
    /// algorithm for a pinned fingerprint, which names no type, or when none of the known types is offered.
    /// </summary>
    public IReadOnlySet<string> Algorithms(IEnumerable<string> offered)
    {
        var plain = offered.Where(name => !name.EndsWith(CertificateSuffix, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        if (_pinned is not null)
        {
            return plain;
        }

        var types = _known.Where(key => key.Marker is null).Select(key => key.KeyType).ToHashSet(StringComparer.Ordinal);
        if (types.Contains("ssh-rsa"))
        {
            types.UnionWith(["rsa-sha2-512", "rsa-sha2-256"]);
        }

        var wanted = plain.Where(types.Contains).ToHashSet(StringComparer.Ordinal);
        return wanted.Count > 0 ? wanted : plain;
    }

    /// <summary>Null when the key is the known one; otherwise why it is refused, in one line.</summary>
    public string? Refusal(string host, int port, string keyName, byte[] blob, string sha256)
    {
        var offered = $"{keyName} SHA256:{sha256}";
        if (_pinned is not null)
        {
            return string.Equals(sha256.TrimEnd('='), _pinned, StringComparison.Ordinal)
                ? null
                : $"host key of {host}:{port} is {offered}, not the pinned SHA256:{_pinned}: refused (a changed key is what a man in the middle looks like)";
        }

        if (_known.FirstOrDefault(key => key.Marker == "@revoked" && key.Blob.AsSpan().SequenceEqual(blob)) is { } revoked)
        {
            return $"host key of {host}:{port} ({offered}) is marked @revoked in {_source} line {revoked.Line}: refused";
        }

        if (_known.Any(key => key.Marker is null && key.Blob.AsSpan().SequenceEqual(blob)))
        {
            return null;
        }

        var others = _known.Where(key => key.Marker is null).ToList();
        return others.Count == 0
            ? $"host key of {host}:{port} ({offered}) cannot be checked: {_source} lists no key for it (add it with ssh-keyscan, after checking it): refused"
            : $"host key of {host}:{port} is {offered}, but {_source} lists another key for it (line {others[0].Line}, {others[0].KeyType}): " +
              "refused (a changed key is what a man in the middle looks like)";
    }
}
