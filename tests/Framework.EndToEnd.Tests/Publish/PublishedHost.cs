using System.Reflection;
using Framework.EndToEnd.Tests.Authoring;
using Framework.EndToEnd.Tests.Infrastructure;

namespace Framework.EndToEnd.Tests.Publish;

/// <summary>
/// <c>dotnet publish host -r linux-x64</c>, done once for <see cref="PublishedHostTests"/>, into a
/// temporary folder, in this test's configuration. In Release the repository's build already is the
/// linux-x64 ReadyToRun build (Directory.Build.props), so the publish runs with --no-build and only
/// reads the shared build output; in another configuration it builds its own runtime-specific copy.
/// </summary>
public sealed class PublishedHost : IAsyncLifetime
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(8);

    public string Root { get; } = Directory.CreateTempSubdirectory("framework-publish-").FullName;

    /// <summary>The publish folder: the host, its libraries, and plugins/&lt;id&gt;/.</summary>
    public string Folder => Path.Combine(Root, "out");

    /// <summary>The build configuration the tests were built in.</summary>
    public static string Configuration { get; } =
        typeof(PublishedHost).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public async Task InitializeAsync()
    {
        List<string> args = ["publish", "host", "-c", Configuration, "-r", "linux-x64", "-o", Folder, "-nodeReuse:false"];
        if (Configuration == "Release")
        {
            args.Add("--no-build");
        }

        await new DotnetCli(Path.Combine(Root, "cli-home")).RunCheckedAsync(FrameworkProcess.RepoRoot, PublishTimeout, [.. args]);
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing the run for.
        }

        return Task.CompletedTask;
    }
}
