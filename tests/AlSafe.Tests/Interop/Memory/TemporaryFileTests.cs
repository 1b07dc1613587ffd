using NUnit.Framework;

namespace AlSafe.Tests.Interop.Memory;

/// <summary>Tests that write guest images to temporary files; every file a test names is deleted after it.</summary>
public abstract class TemporaryFileTests
{
    private readonly List<string> _files = [];

    /// <summary>A new temporary file's path, deleted after the test.</summary>
    protected string NewTemporaryFile()
    {
        var path = Path.GetTempFileName();
        _files.Add(path);
        return path;
    }

    [TearDown]
    public void DeleteTemporaryFiles()
    {
        foreach (var file in _files)
        {
            File.Delete(file);
        }

        _files.Clear();
    }
}
