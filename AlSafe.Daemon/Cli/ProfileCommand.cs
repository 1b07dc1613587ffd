using System.Diagnostics;
using System.Globalization;
using AlSafe.Core.Profiles;
using AlSafe.Core.Profiles.Isf;
using AlSafe.Interop.Compression;
using AlSafe.Interop.Kernel;

namespace AlSafe.Daemon.Cli;

/// <summary>
/// <c>alsafe profile</c>: makes the small JSON profile introspection loads, either from the kernel itself (a Debian
/// package, vmlinuz or vmlinux with BTF) or from a Volatility 3 symbol table. The profile goes to stdout or
/// <c>-o FILE</c>; a one-line summary goes to stderr.
/// </summary>
public static class ProfileCommand
{
    public const string Usage = """
        usage: alsafe profile build INPUT [-o OUT.json]
               alsafe profile import ISF.json[.xz] [-o OUT.json]
          build    INPUT is a Debian kernel package (.deb), a vmlinuz (bzImage) or a vmlinux ELF; the kernel must
                   carry BTF (CONFIG_DEBUG_INFO_BTF) and kallsyms
          import   a Volatility 3 symbol table (ISF JSON, as dwarf2json writes it), plain or xz-compressed
          -o       write the profile to OUT.json instead of stdout
        """;

    /// <summary>ISF files of distribution kernels are tens of MB compressed; the cap only stops runaway input.</summary>
    private const long MaxIsfBytes = 2L << 30;

    private static ReadOnlySpan<byte> XzMagic => [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00];

    /// <exception cref="UsageException">The arguments are wrong.</exception>
    /// <exception cref="InvalidDataException">The input is not usable; the message names the file.</exception>
    public static int Run(IReadOnlyList<string> args, Stream stdout, TextWriter stderr)
    {
        if (args.Count == 1 && args[0] is "-h" or "--help")
        {
            stderr.WriteLine(Usage);
            return 0;
        }

        var (verb, input, output) = Parse(args);
        var clock = Stopwatch.StartNew();
        var profile = verb == "build" ? KernelProfileFactory.FromFile(input) : Import(input);
        clock.Stop();

        if (output is null)
        {
            KernelProfileSerializer.Write(profile, stdout);
            stdout.Flush();
        }
        else
        {
            KernelProfileSerializer.Save(profile, output);
        }

        stderr.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"alsafe: profile {profile.Release} build-id {(profile.BuildId.Length > 0 ? profile.BuildId : "none")} from {profile.Source}: {profile.Symbols.Count} symbols, {profile.Types.Count} structs in {clock.Elapsed.TotalMilliseconds:0} ms{(output is null ? "" : $" -> {output}")}"));
        return 0;
    }

    private static KernelProfile Import(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.AsSpan().StartsWith(XzMagic))
        {
            try
            {
                bytes = XzDecompressor.Decompress(bytes, MaxIsfBytes, concatenated: true);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{path}: {e.Message}", e);
            }
        }

        return IsfImporter.Import(bytes, path);
    }

    private static (string Verb, string Input, string? Output) Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0 || args[0] is not ("build" or "import"))
        {
            throw new UsageException(args.Count == 0 ? $"profile needs a verb\n{Usage}" : $"unknown profile verb '{args[0]}'\n{Usage}");
        }

        string? input = null;
        string? output = null;
        for (var i = 1; i < args.Count; i++)
        {
            if (args[i] is "-o" or "--output")
            {
                if (output is not null || i + 1 >= args.Count)
                {
                    throw new UsageException(output is null ? $"{args[i]} needs a file name" : "the output is given twice");
                }

                output = args[++i];
            }
            else if (args[i].StartsWith('-'))
            {
                throw new UsageException($"unknown option {args[i]}");
            }
            else if (input is null)
            {
                input = args[i];
            }
            else
            {
                throw new UsageException($"unexpected argument '{args[i]}'");
            }
        }

        return input is null
            ? throw new UsageException($"profile {args[0]} needs an input file\n{Usage}")
            : (args[0], input, output);
    }
}
