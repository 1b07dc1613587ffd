using AlSafe.Core.Adaptation.Handoff;

namespace AlSafe.Daemon.Configuration;

/// <summary>
/// Reads the key of [migration] key: at least <see cref="HandoffEnvelope.MinKeyBytes"/> bytes, used as they are (make
/// one with <c>head -c 32 /dev/urandom</c>). Whoever holds it can seal a hand-off every node of the cloud accepts, so
/// it is a credential: owned by root and readable by no one else, checked like the edge key. It is read at each
/// hand-off, so a key put in place or rotated takes effect without a restart.
/// </summary>
public static class MigrationKeyFile
{
    /// <summary>No key file is larger: anything bigger is a wrong path.</summary>
    public const int MaxBytes = 4096;

    /// <param name="trustedFilesOnly">[node] trusted_files_only: check the file's owner and mode.</param>
    /// <exception cref="HandoffException">The key cannot be used (<see cref="HandoffRefusal.NoKey"/>), naming why.</exception>
    public static byte[] Load(string path, bool trustedFilesOnly)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (trustedFilesOnly && FileTrust.CheckPrivateKey(path) is { } untrusted)
        {
            throw new HandoffException(HandoffRefusal.NoKey, $"[migration] key refused: {untrusted}");
        }

        byte[] key;
        try
        {
            using var file = File.OpenRead(path);
            if (file.Length > MaxBytes)
            {
                throw new HandoffException(HandoffRefusal.NoKey, $"[migration] key {path} has {file.Length} bytes: a key file has at most {MaxBytes}");
            }

            key = new byte[file.Length];
            file.ReadExactly(key);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HandoffException(HandoffRefusal.NoKey, $"[migration] key {path} cannot be read: {e.Message}", e);
        }

        return key.Length >= HandoffEnvelope.MinKeyBytes
            ? key
            : throw new HandoffException(HandoffRefusal.NoKey,
                $"[migration] key {path} has {key.Length} bytes: at least {HandoffEnvelope.MinKeyBytes} random bytes are needed");
    }
}
