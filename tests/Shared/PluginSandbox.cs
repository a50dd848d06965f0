using System.Text.Json.Nodes;

namespace Framework.Tests.Shared;

/// <summary>A temporary plugins folder holding copies of chosen test plugins, so each test controls
/// exactly what the host discovers. Deleted on dispose.</summary>
public sealed class PluginSandbox : IDisposable
{
    public PluginSandbox()
    {
        Root = Directory.CreateTempSubdirectory("framework-plugins-").FullName;
        MarkerDirectory = Directory.CreateTempSubdirectory("framework-markers-").FullName;
    }

    /// <summary>The folder built test plugins are copied from.</summary>
    public static string BuiltPlugins => Path.Combine(AppContext.BaseDirectory, "testplugins");

    public string Root { get; }

    /// <summary>Where the test plugins' tripwires leave marks (FRAMEWORK_TEST_MARKER_DIR).</summary>
    public string MarkerDirectory { get; }

    /// <summary>Copies a built test plugin into the sandbox, under <paramref name="folder"/> (default: its id).</summary>
    public string Add(string id, string? folder = null)
    {
        var source = Path.Combine(BuiltPlugins, id);
        if (!Directory.Exists(source))
        {
            throw new DirectoryNotFoundException($"test plugin '{id}' was not built into {BuiltPlugins}.");
        }

        return AddFrom(source, folder ?? id);
    }

    /// <summary>Copies any plugin folder (a bundled plugin from the host's build output) into the sandbox, under <paramref name="folder"/>.</summary>
    public string AddFrom(string source, string folder)
    {
        var target = Path.Combine(Root, folder);
        CopyDirectory(source, target);
        return target;
    }

    /// <summary>Copies a test plugin and rewrites fields of its manifest (for version selection tests).</summary>
    public string AddWithManifest(string id, string folder, Action<JsonObject> edit)
    {
        var target = Add(id, folder);
        var path = Path.Combine(target, "plugin.json");
        var manifest = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(manifest);
        File.WriteAllText(path, manifest.ToJsonString());
        return target;
    }

    public bool MarkerExists(string name) => File.Exists(Path.Combine(MarkerDirectory, name));

    public void Dispose()
    {
        TryDelete(Root);
        TryDelete(MarkerDirectory);
    }

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
        }

        foreach (var dir in Directory.EnumerateDirectories(source))
        {
            CopyDirectory(dir, Path.Combine(target, Path.GetFileName(dir)));
        }
    }
}
