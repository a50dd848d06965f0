namespace Framework.Benchmarks;

/// <summary>The checkout the benchmarks were built from: the folder above them that holds Framework.sln.</summary>
internal static class RepositoryRoot
{
    private static readonly Lazy<string?> Found = new(() =>
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Framework.sln")))
        {
            folder = folder.Parent;
        }

        return folder?.FullName;
    });

    /// <summary>The root, or null when the benchmarks run outside a checkout.</summary>
    public static string? TryFind() => Found.Value;

    /// <summary>The root.</summary>
    /// <exception cref="DirectoryNotFoundException">No folder above the benchmarks holds Framework.sln.</exception>
    public static string Find() => Found.Value ?? throw new DirectoryNotFoundException($"no Framework.sln above {AppContext.BaseDirectory}: run the benchmarks from a checkout.");
}
