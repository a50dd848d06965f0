namespace Framework.Plugins.Elf2Dmp.Tests;

public static class RepositoryPaths
{
    /// <summary>The repository root (the folder holding Framework.sln).</summary>
    public static string Root
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Framework.sln")))
            {
                folder = folder.Parent;
            }

            return folder?.FullName ?? throw new InvalidOperationException("Framework.sln not found above " + AppContext.BaseDirectory);
        }
    }

    public static string PluginSample => Path.Combine(Root, "plugins", "elf2dmp", "Sample");
}
