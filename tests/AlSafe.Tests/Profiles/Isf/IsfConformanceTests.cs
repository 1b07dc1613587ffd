using AlSafe.Core.Profiles;
using AlSafe.Core.Profiles.Isf;
using AlSafe.Interop.Kernel;
using AlSafe.TestSupport.Lab;
using NUnit.Framework;

namespace AlSafe.Tests.Profiles.Isf;

/// <summary>
/// The ISF of shared/data and the lab's kernel package describe the same build, so a profile imported from the
/// one must equal the profile built from the other's BTF and kallsyms: dwarf2json reads the DWARF the compiler
/// wrote, which makes this a check of both builders.
/// </summary>
[TestFixture]
public sealed class IsfConformanceTests
{
    private KernelProfile _isf = null!;
    private KernelProfile _image = null!;

    [OneTimeSetUp]
    public void BuildBothProfiles()
    {
        _isf = IsfImporter.Import(SharedIsf.Json, SharedIsf.Path);
        _image = KernelProfileFactory.FromFile(LabAssets.KernelPackage);
    }

    [Test]
    public void Both_describe_the_same_kernel()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_isf.Release, Is.EqualTo(_image.Release));
            Assert.That(_isf.Banner, Is.EqualTo(_image.Banner));
        });
    }

    [Test]
    public void Both_hold_the_same_symbols_and_structs()
    {
        Assert.Multiple(() =>
        {
            Assert.That(_isf.Symbols.Keys, Is.EquivalentTo(_image.Symbols.Keys));
            Assert.That(_isf.Types.Keys, Is.EquivalentTo(_image.Types.Keys));
        });
    }

    [Test]
    public void Every_symbol_address_is_equal()
    {
        var differences = new List<string>();
        foreach (var (name, address) in _isf.Symbols)
        {
            if (!_image.Symbols.TryGetValue(name, out var other))
            {
                differences.Add($"{name}: isf 0x{address:x16}, {_image.Source} has none");
            }
            else if (other != address)
            {
                differences.Add($"{name}: isf 0x{address:x16}, {_image.Source} 0x{other:x16}");
            }
        }

        Assert.That(differences, Is.Empty);
    }

    [Test]
    public void Every_struct_size_and_member_offset_is_equal()
    {
        var differences = new List<string>();
        foreach (var (name, layout) in _isf.Types)
        {
            if (!_image.Types.TryGetValue(name, out var other))
            {
                differences.Add($"struct {name}: {_image.Source} has none");
                continue;
            }

            if (other.Size != layout.Size)
            {
                differences.Add($"sizeof({name}): isf {layout.Size}, {_image.Source} {other.Size}");
            }

            foreach (var (field, offset) in layout.Fields)
            {
                if (!other.Fields.TryGetValue(field, out var otherOffset))
                {
                    differences.Add($"{name}.{field}: isf {offset}, {_image.Source} has none");
                }
                else if (otherOffset != offset)
                {
                    differences.Add($"{name}.{field}: isf {offset}, {_image.Source} {otherOffset}");
                }
            }
        }

        Assert.That(differences, Is.Empty);
    }
}
