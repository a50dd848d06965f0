using Framework.EndToEnd.Tests.Infrastructure;

namespace Framework.EndToEnd.Tests.Authoring;

/// <summary>
/// The path of a third-party author, done once for the tests of <see cref="PluginAuthoringTests"/>:
/// the contract (1.2.0, and a newer minor 1.3.0) and Framework.Testing packed into a local feed from
/// a copy of their sources (the shared build output stays untouched), the template installed into a
/// temporary DOTNET_CLI_HOME, two plugins generated, the first one tested and both published into a
/// plugins folder. Restores take Framework.* from the local feed only and the rest from the usual
/// sources, into a private packages folder (so a stale contract package is never reused).
/// </summary>
public sealed class AuthoringWorkspace : IAsyncLifetime
{
    public const string PluginName = "Contoso.DiskProbe";
    public const string PluginId = "contoso-diskprobe";
    public const string FuturePluginName = "Contoso.Future";
    public const string FuturePluginId = "contoso-future";

    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(3);

    public string Root { get; } = Directory.CreateTempSubdirectory("framework-authoring-").FullName;

    public string Feed => Path.Combine(Root, "feed");

    public string PluginsFolder => Path.Combine(Root, "plugins");

    public string Work => Path.Combine(Root, "work");

    /// <summary>The SDK, with the workspace's DOTNET_CLI_HOME.</summary>
    internal DotnetCli Dotnet => new(Path.Combine(Root, "cli-home"));

    /// <summary>What `dotnet test` printed for the generated test project.</summary>
    public ProcessResult? TestRun { get; private set; }

    public async Task InitializeAsync()
    {
        var dotnet = Dotnet;
        var sources = CopyPackableSources(Path.Combine(Root, "sources"));
        Directory.CreateDirectory(Feed);
        await dotnet.RunCheckedAsync(sources, StepTimeout, "pack", "abstractions", "-c", "Release", "-o", Feed, "-nodeReuse:false");
        await dotnet.RunCheckedAsync(sources, StepTimeout, "pack", "host/PluginLoading", "-c", "Release", "-o", Feed, "-nodeReuse:false");
        await dotnet.RunCheckedAsync(sources, StepTimeout, "pack", "testing/Framework.Testing", "-c", "Release", "-o", Feed, "-nodeReuse:false");
        await dotnet.RunCheckedAsync(sources, StepTimeout, "pack", "abstractions", "-c", "Release", "-o", Feed, "-nodeReuse:false", "-p:FrameworkContractVersion=1.3.0");

        Directory.CreateDirectory(Work);
        File.WriteAllText(Path.Combine(Work, "nuget.config"), NuGetConfig());
        await dotnet.RunCheckedAsync(Work, StepTimeout, "new", "install", Path.Combine(FrameworkProcess.RepoRoot, "plugin-template"));
        await dotnet.RunCheckedAsync(Work, StepTimeout, "new", "framework-plugin", "-n", PluginName);
        await dotnet.RunCheckedAsync(Work, StepTimeout, "new", "framework-plugin", "-n", FuturePluginName, "--contract-version", "1.3.0", "--hosted-service", "false");

        // The generated solution as is: build, test, publish, no edits.
        var generated = Path.Combine(Work, PluginName);
        await dotnet.RunCheckedAsync(generated, StepTimeout, "build", "-nodeReuse:false");
        // With the host beside it, the generated tests run the plugin both ways, in process and in a plugin-host child.
        var withHost = new DotnetCli(Path.Combine(Root, "cli-home")) { Environment = new Dictionary<string, string> { ["FRAMEWORK_HOST_PATH"] = Path.Combine(FrameworkProcess.HostDirectory, "framework.dll") } };
        TestRun = await withHost.RunCheckedAsync(generated, StepTimeout, "test", "--no-build");
        await dotnet.RunCheckedAsync(generated, StepTimeout, "publish", $"src/{PluginName}", "-c", "Release", "-o", Path.Combine(PluginsFolder, PluginId), "-nodeReuse:false");
        await dotnet.RunCheckedAsync(Path.Combine(Work, FuturePluginName), StepTimeout, "publish", $"src/{FuturePluginName}", "-c", "Release", "-o", Path.Combine(PluginsFolder, FuturePluginId), "-nodeReuse:false");
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

    /// <summary>Copies what packing the contract, the host's plugin loading and Framework.Testing needs (not bin/obj) into
    /// <paramref name="target"/>; under <see cref="Work"/>, restores use the workspace's feed.</summary>
    public static string CopyPackableSources(string target)
    {
        var repo = FrameworkProcess.RepoRoot;
        Directory.CreateDirectory(target);
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "global.json", ".editorconfig" })
        {
            var source = Path.Combine(repo, file);
            if (File.Exists(source))
            {
                File.Copy(source, Path.Combine(target, file));
            }
        }

        CopyTree(Path.Combine(repo, "abstractions"), Path.Combine(target, "abstractions"));
        CopyTree(Path.Combine(repo, "testing", "Framework.Testing"), Path.Combine(target, "testing", "Framework.Testing"));

        // Framework.Testing loads plugins with the host's own discovery, admission and loader.
        CopyTree(Path.Combine(repo, "host", "PluginLoading"), Path.Combine(target, "host", "PluginLoading"));
        return target;
    }

    private static void CopyTree(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (var directory in Directory.EnumerateDirectories(source))
        {
            var name = Path.GetFileName(directory);
            if (name is not ("bin" or "obj"))
            {
                CopyTree(directory, Path.Combine(target, name));
            }
        }
    }

    private string NuGetConfig()
    {
        var userPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(Root, "packages")}" />
              </config>
              <packageSources>
                <clear />
                <add key="framework-local" value="{Feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="user" value="{userPackages}" />
              </fallbackPackageFolders>
              <packageSourceMapping>
                <packageSource key="framework-local">
                  <package pattern="Framework.*" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>
            """;
    }
}
