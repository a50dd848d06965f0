using System.Runtime.InteropServices;
using System.Text.Json;
using Framework.Host.Loading;

namespace Framework.Host.Discovery;

/// <summary>
/// Checks, before loading, what the plugin's .deps.json lists: every private managed assembly and
/// every native library for this platform is present in the plugin folder, and every host-shared
/// assembly is one the host provides at the version asked for or newer. A missing or mismatched
/// dependency is reported by name up front instead of as a FileNotFoundException from deep inside
/// the plugin's code, or as a private copy whose types are not the host's.
/// </summary>
public static class DependencyCheck
{
    /// <summary>Null when every listed dependency is satisfied (or there is no .deps.json); otherwise
    /// a message naming what is missing and the .deps.json that lists it.</summary>
    public static string? FindMissing(PluginManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
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
            if (!document.RootElement.TryGetProperty("targets", out var targets) || targets.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var missing = new List<string>();
            var fromHost = new List<string>();
            var rids = CompatibleRuntimeIdentifiers();

            // Loops with conditions rather than LINQ over JsonProperty, a struct: that generic code
            // would be compiled at run time in every process.
            foreach (var target in targets.EnumerateObject())
            {
                if (target.Value.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                foreach (var library in target.Value.EnumerateObject())
                {
                    if (library.Value.ValueKind != JsonValueKind.Object)
                    {
                        continue;
                    }

                    foreach (var asset in Assets(library.Value, "runtime"))
                    {
                        CheckManaged(manifest, library.Name, asset, missing, fromHost);
                    }

                    foreach (var asset in Assets(library.Value, "native"))
                    {
                        CheckPresent(manifest, library.Name, asset.Name, missing);
                    }

                    foreach (var asset in Assets(library.Value, "runtimeTargets"))
                    {
                        if (asset.Value.ValueKind == JsonValueKind.Object
                            && asset.Value.TryGetProperty("rid", out var rid) && rids.Contains(rid.GetString() ?? string.Empty)
                            && asset.Value.TryGetProperty("assetType", out var type) && type.GetString() is "native" or "runtime")
                        {
                            CheckPresent(manifest, library.Name, asset.Name, missing);
                        }
                    }
                }
            }

            if (fromHost.Count > 0)
            {
                return $"{string.Join("; ", fromHost.Distinct(StringComparer.Ordinal))} (listed in {Path.GetFileName(depsPath)}).";
            }

            return missing.Count == 0
                ? null
                : $"missing dependency: {string.Join(", ", missing.Distinct(StringComparer.Ordinal))}, listed in {Path.GetFileName(depsPath)} but not in {manifest.Directory}.";
        }
    }

    /// <summary>Null when the host provides <paramref name="name"/> at <paramref name="version"/> or
    /// newer; otherwise why not. For host-shared assemblies only.</summary>
    public static string? CheckHostProvides(string name, Version? version)
    {
        if (!SharedAssemblies.HostProvided.TryGetValue(name, out var provided))
        {
            return $"needs {name}{(version is null ? string.Empty : " " + version)} from the host, which does not provide it";
        }

        return version is not null && provided.Version is { } have && have < version
            ? $"needs {name} {version} from the host, which provides {have}: a newer host is needed"
            : null;
    }

    private static IEnumerable<JsonProperty> Assets(JsonElement library, string kind) =>
        library.TryGetProperty(kind, out var assets) && assets.ValueKind == JsonValueKind.Object ? assets.EnumerateObject() : [];

    private static void CheckManaged(PluginManifest manifest, string library, JsonProperty asset, List<string> missing, List<string> fromHost)
    {
        var file = Path.GetFileName(asset.Name);
        var name = Path.GetFileNameWithoutExtension(file);
        if (string.Equals(file, manifest.EntryAssembly, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        if (SharedAssemblies.IsShared(name))
        {
            Version? version = null;
            if (asset.Value.ValueKind == JsonValueKind.Object && asset.Value.TryGetProperty("assemblyVersion", out var text))
            {
                _ = Version.TryParse(text.GetString(), out version);
            }

            if (CheckHostProvides(name, version) is { } problem)
            {
                fromHost.Add(problem);
            }

            return;
        }

        if (!File.Exists(Path.Combine(manifest.Directory, file)) && !File.Exists(Path.Combine(manifest.Directory, asset.Name)))
        {
            missing.Add($"{file} (package {library})");
        }
    }

    private static void CheckPresent(PluginManifest manifest, string library, string relativePath, List<string> missing)
    {
        var file = Path.GetFileName(relativePath);
        if (!File.Exists(Path.Combine(manifest.Directory, relativePath)) && !File.Exists(Path.Combine(manifest.Directory, file)))
        {
            missing.Add($"{relativePath} (package {library})");
        }
    }

    /// <summary>This process's runtime identifier and the ones it falls back to (linux-x64, linux, unix-x64, unix, any).</summary>
    private static HashSet<string> CompatibleRuntimeIdentifiers()
    {
        var arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        var os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "osx" : OperatingSystem.IsWindows() ? "win" : "unknown";
        var set = new HashSet<string>(StringComparer.Ordinal) { RuntimeInformation.RuntimeIdentifier, $"{os}-{arch}", os, "any" };
        if (!OperatingSystem.IsWindows())
        {
            set.Add($"unix-{arch}");
            set.Add("unix");
        }

        return set;
    }
}
