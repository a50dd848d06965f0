namespace Framework.Plugins.BpfRuntime.Tests;

/// <summary>Finds ../shared/conformance/bpf next to the repository root (the folder that holds Framework.sln).</summary>
internal static class ConformanceSuite
{
    public static readonly string? Directory = Find();

    private static string? Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Framework.sln")))
        {
            dir = dir.Parent;
        }

        if (dir?.Parent is null)
        {
            return null;
        }

        var suite = Path.Combine(dir.Parent.FullName, "shared", "conformance", "bpf");
        return System.IO.Directory.Exists(suite) ? suite : null;
    }
}
