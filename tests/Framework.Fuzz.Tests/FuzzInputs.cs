namespace Framework.Fuzz.Tests;

/// <summary>The committed fuzz inputs: tests/fuzz/corpus/&lt;target&gt; (seeds) and tests/fuzz/crashes/&lt;target&gt;
/// (inputs that once crashed a parser, kept as regressions).</summary>
internal static class FuzzInputs
{
    public static string Root { get; } = FindRoot();

    public static string Folder(string kind, string target) => Path.Combine(Root, "tests", "fuzz", kind, target);

    public static IEnumerable<string> Files(string kind, string target) =>
        Directory.Exists(Folder(kind, target)) ? Replay.Inputs([Folder(kind, target)]) : [];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Framework.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("the repository root (Framework.sln) is not above " + AppContext.BaseDirectory);
    }
}
