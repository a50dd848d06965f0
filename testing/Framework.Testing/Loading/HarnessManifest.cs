using System.Text.Json;

namespace Framework.Testing.Loading;

/// <summary>The fields of plugin.json the harness needs, read and checked as the host does.</summary>
internal sealed record HarnessManifest(string Id, string Version, string EntryAssemblyPath, Version ContractVersion)
{
    public static HarnessManifest Read(string folder)
    {
        var path = Path.Combine(folder, "plugin.json");
        if (!File.Exists(path))
        {
            throw new PluginLoadException($"{folder} has no plugin.json: build the plugin project (it references Framework.Abstractions, whose build writes the manifest).");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = document.RootElement;
            var id = Required(root, "id", path);
            var version = Required(root, "version", path);
            var entry = Required(root, "entryAssembly", path);
            var contractText = Required(root, "contractVersion", path);
            if (!System.Version.TryParse(contractText.Split('-', '+')[0], out var contract))
            {
                throw new PluginLoadException($"{path}: contractVersion '{contractText}' is not a version.");
            }

            var entryPath = Path.Combine(folder, entry);
            if (!File.Exists(entryPath))
            {
                throw new PluginLoadException($"{path}: entryAssembly {entry} is not in {folder}.");
            }

            return new HarnessManifest(id, version, entryPath, contract);
        }
        catch (JsonException e)
        {
            throw new PluginLoadException($"{path} is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>Null when the plugin's contract loads against <paramref name="provided"/>; otherwise the host's reason.</summary>
    public string? CheckContract(Version provided)
    {
        var plugin = $"{ContractVersion.Major}.{ContractVersion.Minor}.{Math.Max(ContractVersion.Build, 0)}";
        var host = $"{provided.Major}.{provided.Minor}.{Math.Max(provided.Build, 0)}";
        if (ContractVersion.Major != provided.Major)
        {
            return $"built against Framework.Abstractions {plugin}, but this host provides {host}: the major versions differ.";
        }

        return ContractVersion.Minor > provided.Minor
            ? $"built against Framework.Abstractions {plugin}, newer than this host's {host}: a newer host is needed."
            : null;
    }

    private static string Required(JsonElement root, string name, string path) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new PluginLoadException($"{path}: '{name}' is missing.");
}
