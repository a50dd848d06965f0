using System.Reflection;

namespace Framework.KernelLab;

/// <summary>Where the lab finds the repository and the build output it runs in the guest. The guest
/// sees the host's files at the same paths, so these are valid on both sides.</summary>
public static class LabPaths
{
    /// <summary>The repository root (the folder holding Framework.sln).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The build configuration of the test assembly that uses the lab (Release under ./test.sh).</summary>
    public static string Configuration { get; } =
        typeof(LabPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The host's framework.dll for <see cref="Configuration"/>, with the bundled plugins beside it.</summary>
    public static string FrameworkDll { get; } = Path.Combine(RepoRoot, "host", "bin", Configuration, "net10.0", "framework.dll");

    /// <summary>The script that builds or finds the lab kernel and initramfs.</summary>
    public static string BuildScript { get; } = Path.Combine(RepoRoot, "tests", "KernelLab", "build.sh");

    /// <summary>The build output of a project under tests/KernelLab (for example the guest driver).</summary>
    public static string ProjectOutput(string project, string file) =>
        Path.Combine(RepoRoot, "tests", "KernelLab", project, "bin", Configuration, "net10.0", file);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Framework.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Framework.sln above {AppContext.BaseDirectory}");
    }
}
