using System.Security.Cryptography;
using System.Text;
using AlSafe.Interop.Edge;
using NUnit.Framework;

namespace AlSafe.Tests.Edge;

/// <summary>The host key check without a network: known_hosts lines in their forms, and pinned fingerprints.</summary>
public sealed class EdgeHostKeyPolicyTests
{
    private static readonly byte[] Key = Blob("ssh-ed25519", 1);
    private static readonly byte[] OtherKey = Blob("ssh-ed25519", 2);

    [TestCase("10.255.7.2 ssh-ed25519 {0}")]
    [TestCase("edge-a,10.255.7.2 ssh-ed25519 {0} a comment")]
    [TestCase("10.255.7.* ssh-ed25519 {0}")]
    [TestCase("10.255.?.2 ssh-ed25519 {0}")]
    [TestCase("# a comment\n\n10.255.7.2\tssh-ed25519\t{0}")]
    public void A_listed_key_is_accepted(string line) =>
        Assert.That(Policy(string.Format(System.Globalization.CultureInfo.InvariantCulture, line, Convert.ToBase64String(Key))).Refusal("10.255.7.2", 22, "ssh-ed25519", Key, "x"),
            Is.Null);

    [Test]
    public void A_hashed_host_name_is_matched_as_ssh_keygen_H_writes_it()
    {
        var salt = RandomNumberGenerator.GetBytes(20);
        var hash = HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes("[10.255.7.2]:2222"));
        var policy = Policy($"|1|{Convert.ToBase64String(salt)}|{Convert.ToBase64String(hash)} ssh-ed25519 {Convert.ToBase64String(Key)}", port: 2222);

        Assert.That(policy.Refusal("10.255.7.2", 2222, "ssh-ed25519", Key, "x"), Is.Null);
    }

    [Test]
    public void A_port_other_than_22_is_named_in_brackets()
    {
        var line = $"[10.255.7.2]:2222 ssh-ed25519 {Convert.ToBase64String(Key)}";

        Assert.That(Policy(line, port: 2222).Refusal("10.255.7.2", 2222, "ssh-ed25519", Key, "x"), Is.Null);
        Assert.That(Policy(line).Refusal("10.255.7.2", 22, "ssh-ed25519", Key, "x"), Does.Contain("lists no key for it"));
    }

    [Test]
    public void A_negated_pattern_excludes_the_host() =>
        Assert.That(Policy($"10.255.7.*,!10.255.7.2 ssh-ed25519 {Convert.ToBase64String(Key)}").Refusal("10.255.7.2", 22, "ssh-ed25519", Key, "x"),
            Does.Contain("lists no key for it"));

    [Test]
    public void Another_key_for_the_host_is_refused_as_a_possible_man_in_the_middle()
    {
        var refusal = Policy($"10.255.7.2 ssh-ed25519 {Convert.ToBase64String(OtherKey)}").Refusal("10.255.7.2", 22, "ssh-ed25519", Key, "abc");

        Assert.That(refusal, Does.Contain("is ssh-ed25519 SHA256:abc, but").And.Contain("lists another key for it (line 1, ssh-ed25519)").And.Contain("man in the middle"));
    }

    [Test]
    public void A_revoked_key_is_refused_even_when_also_listed()
    {
        var text = $"@revoked * ssh-ed25519 {Convert.ToBase64String(Key)}\n10.255.7.2 ssh-ed25519 {Convert.ToBase64String(Key)}";

        Assert.That(Policy(text).Refusal("10.255.7.2", 22, "ssh-ed25519", Key, "x"), Does.Contain("@revoked").And.Contain("line 1"));
    }

    [TestCase("10.255.7.2 ssh-ed25519 not-base64!")]
    [TestCase("10.255.7.2 ssh-ed25519")]
    [TestCase("@cert-authority 10.255.7.2 ssh-ed25519 {0}")]
    public void Lines_that_cannot_vouch_for_the_key_accept_nothing(string line) =>
        Assert.That(Policy(string.Format(System.Globalization.CultureInfo.InvariantCulture, line, Convert.ToBase64String(Key))).Refusal("10.255.7.2", 22, "ssh-ed25519", Key, "x"),
            Is.Not.Null);

    [Test]
    public void Only_the_key_types_known_for_the_host_and_never_certificates_are_offered()
    {
        var policy = Policy($"10.255.7.2 ssh-rsa {Convert.ToBase64String(Blob("ssh-rsa", 3))}\nother ssh-ed25519 {Convert.ToBase64String(Key)}");
        string[] offered = ["ssh-ed25519-cert-v01@openssh.com", "ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"];

        Assert.That(policy.Algorithms(offered), Is.EquivalentTo(new[] { "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa" }));
        Assert.That(Pinned("SHA256:" + new string('x', 43)).Algorithms(offered), Is.EquivalentTo(offered.Skip(1)));
    }

    [Test]
    public void A_pinned_fingerprint_matches_with_or_without_prefix_and_padding()
    {
        var fingerprint = Convert.ToBase64String(SHA256.HashData(Key)).TrimEnd('=');

        Assert.That(Pinned("SHA256:" + fingerprint).Refusal("h", 22, "ssh-ed25519", Key, fingerprint), Is.Null);
        Assert.That(Pinned(fingerprint + "=").Refusal("h", 22, "ssh-ed25519", Key, fingerprint), Is.Null);
        Assert.That(Pinned("SHA256:" + fingerprint).Refusal("h", 22, "ssh-ed25519", OtherKey, "other"), Does.Contain("not the pinned SHA256:" + fingerprint));
    }

    [TestCase("MD5:97:70:33:82")]
    [TestCase("SHA256:short")]
    public void A_malformed_pin_is_refused_before_connecting(string pin)
    {
        var thrown = Assert.Throws<EdgeException>(() => Pinned(pin))!;
        Assert.That(thrown.Fault, Is.EqualTo(EdgeFault.HostKeyRejected));
    }

    [Test]
    public void An_unreadable_known_hosts_file_is_a_refusal()
    {
        var thrown = Assert.Throws<EdgeException>(() => EdgeHostKeyPolicy.FromOptions(Options() with { KnownHostsPath = "/nonexistent/known_hosts" }))!;
        Assert.That(thrown.Message, Does.Contain("cannot read known_hosts file /nonexistent/known_hosts"));
    }

    private static EdgeHostOptions Options() => new() { Host = "10.255.7.2", PrivateKeyPath = "/unused", KnownHostsPath = "/unused" };

    private static EdgeHostKeyPolicy Policy(string knownHosts, int port = 22)
    {
        var file = Path.Combine(Path.GetTempPath(), $"alsafe-known-hosts-{Guid.NewGuid():n}");
        File.WriteAllText(file, knownHosts);
        try
        {
            return EdgeHostKeyPolicy.FromOptions(Options() with { KnownHostsPath = file, Port = port });
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static EdgeHostKeyPolicy Pinned(string fingerprint) =>
        EdgeHostKeyPolicy.FromOptions(Options() with { KnownHostsPath = null, HostKeyFingerprint = fingerprint });

    // An SSH public key blob: the type name, then key material (here a recognisable filler).
    private static byte[] Blob(string type, byte filler)
    {
        var name = Encoding.ASCII.GetBytes(type);
        var blob = new byte[4 + name.Length + 4 + 32];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(blob, name.Length);
        name.CopyTo(blob, 4);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(blob.AsSpan(4 + name.Length), 32);
        blob.AsSpan(8 + name.Length).Fill(filler);
        return blob;
    }
}
