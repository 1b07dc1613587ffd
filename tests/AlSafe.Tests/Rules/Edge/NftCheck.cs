using NUnit.Framework;

namespace AlSafe.Tests.Rules.Edge;

/// <summary>Has the kernel check an nft file as one transaction (<c>nft -c</c>, overlap checks included), in a network
/// namespace of its own that disappears with the process.</summary>
internal static class NftCheck
{
    public static void AssertAccepted(string text)
    {
        var unshare = ExternalTool.Require("unshare");
        var nft = ExternalTool.Require("nft");
        var file = Path.Combine(Path.GetTempPath(), $"alsafe-edge-{Guid.NewGuid():n}.nft");
        try
        {
            File.WriteAllText(file, text);
            var (exitCode, _, error) = ExternalTool.Run(unshare, "--net", nft, "-c", "-f", file);
            if (exitCode != 0 && error.Contains("unshare", StringComparison.Ordinal))
            {
                Assert.Ignore($"no private network namespace here: {error.Trim()}");
            }

            Assert.That(exitCode, Is.Zero, $"{error}\n{text}");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
