namespace Framework.Fuzz;

/// <summary>
/// A per-process file for parsers whose entry point takes a path (the dump converter maps its input,
/// the host reads settings files): the input is written there before each run. One per process, so
/// parallel fuzzers and test runs never share one.
/// </summary>
public static class ScratchFile
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        var folder = Path.Combine(Path.GetTempPath(), $"framework-fuzz-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return folder;
    });

    /// <summary>The process's scratch folder.</summary>
    public static string FolderPath => Folder.Value;

    /// <summary>Writes <paramref name="input"/> to the scratch file named <paramref name="name"/> and returns its path.</summary>
    public static string Write(string name, ReadOnlySpan<byte> input)
    {
        var path = Path.Combine(Folder.Value, name);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.Write(input);
        return path;
    }

    /// <summary>A path in the scratch folder for <paramref name="name"/>, removed if it exists.</summary>
    public static string Fresh(string name)
    {
        var path = Path.Combine(Folder.Value, name);
        File.Delete(path);
        return path;
    }
}
