using System.Text.Json;
using Framework.Host.Loading;

namespace Framework.Host.Discovery;

/// <summary>
/// Checks, before loading, that every private assembly the plugin's .deps.json lists is present in
/// the plugin folder, so that a missing dependency is reported by name up front instead of as a
/// FileNotFoundException from deep inside the plugin's code.
/// </summary>
public static class DependencyCheck
{
    /// <summary>Null when all listed assemblies are present (or there is no .deps.json); otherwise a
    /// message naming the missing files and the .deps.json that lists them.</summary>
    public static string? FindMissing(PluginManifest manifest)
    {
        var depsPath = Path.ChangeExtension(manifest.EntryAssemblyPath, ".deps.json");
        if (!File.Exists(depsPath))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(depsPath));
        }
        catch (JsonException e)
        {
            return $"{depsPath} is not valid JSON: {e.Message}";
        }

        using (document)
        {
            var missing = new List<string>();
            if (!document.RootElement.TryGetProperty("targets", out var targets) || targets.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            foreach (var target in targets.EnumerateObject())
            {
                foreach (var library in target.Value.EnumerateObject())
                {
                    if (!library.Value.TryGetProperty("runtime", out var runtime) || runtime.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    foreach (var asset in runtime.EnumerateObject())
                    {
                        var file = Path.GetFileName(asset.Name);
                        var name = Path.GetFileNameWithoutExtension(file);
                        if (SharedAssemblies.IsShared(name)
                            || string.Equals(file, manifest.EntryAssembly, StringComparison.OrdinalIgnoreCase))
                        {
                            continue;
                        }

                        if (!File.Exists(Path.Combine(manifest.Directory, file)) && !File.Exists(Path.Combine(manifest.Directory, asset.Name)))
                        {
                            missing.Add($"{file} (package {library.Name})");
                        }
                    }
                }
            }

            return missing.Count == 0
                ? null
                : $"missing dependency: {string.Join(", ", missing.Distinct(StringComparer.Ordinal))}, listed in {Path.GetFileName(depsPath)} but not in {manifest.Directory}.";
        }
    }
}
