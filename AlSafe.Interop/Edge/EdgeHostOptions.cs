namespace AlSafe.Interop.Edge;

/// <summary>
/// How a compute node reaches the edge firewall host over SSH. The host key is always checked:
/// against <see cref="KnownHostsPath"/> (OpenSSH's format, plain or hashed host names) or against one pinned
/// <see cref="HostKeyFingerprint"/> (<c>SHA256:...</c> as <c>ssh-keygen -lf</c> prints it); exactly one of the two is given.
/// </summary>
public sealed record EdgeHostOptions
{
    public required string Host { get; init; }

    public int Port { get; init; } = 22;

    /// <summary>The account on the edge; it must be allowed to run nft (root, or one holding CAP_NET_ADMIN). Each
    /// transaction runs through its login shell, so a shell that reads a slow rc file slows every update: give the
    /// account a plain shell, or set <c>SetEnv SHLVL=1</c> for it in sshd_config (Debian's bash then skips .bashrc).</summary>
    public string User { get; init; } = "root";

    /// <summary>An OpenSSH private key without passphrase (the daemon runs unattended).</summary>
    public required string PrivateKeyPath { get; init; }

    public string? KnownHostsPath { get; init; }

    public string? HostKeyFingerprint { get; init; }

    /// <summary>The command run on the edge, with the transaction on its standard input after <c>-f -</c>.</summary>
    public string NftCommand { get; init; } = "nft";

    /// <summary>How long connecting and authenticating may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one nft run may take before the connection is taken for dead and replaced. A transaction of
    /// 10,000 elements takes well under a second; a hung link must not hold every later update.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>SSH keepalive messages on an idle connection: middleboxes keep it, and a broken one is noticed when a
    /// write fails. A peer that stays silent is caught by <see cref="CommandTimeout"/> and the periodic check.</summary>
    public TimeSpan KeepaliveInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The wait before the first reconnection; it doubles on each failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the edge's table is read back and repaired while nothing else happens (an edge rebooted or
    /// flushed by hand stays wrong at most this long). <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> turns
    /// the periodic check off; <see cref="EdgeFirewall.ReconcileAsync"/> still runs it on demand.</summary>
    public TimeSpan ReconcileInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the settings a connection cannot start without; the message names the setting.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Host);
        ArgumentException.ThrowIfNullOrWhiteSpace(User);
        ArgumentException.ThrowIfNullOrWhiteSpace(PrivateKeyPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(NftCommand);
        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        if ((KnownHostsPath is null) == (HostKeyFingerprint is null))
        {
            throw new ArgumentException("give exactly one of a known_hosts file and a pinned host key fingerprint: the edge's host key is always checked");
        }

        foreach (var (name, value) in new[] { ("ConnectTimeout", ConnectTimeout), ("CommandTimeout", CommandTimeout), ("InitialBackoff", InitialBackoff) })
        {
            if (value <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive");
            }
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBackoff, InitialBackoff);
    }
}
