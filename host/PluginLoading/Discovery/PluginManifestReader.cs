using System.Text.Json;
using System.Text.RegularExpressions;
using NuGet.Versioning;

namespace Framework.Host.Discovery;

/// <summary>Reads and checks plugin.json. Everything is checked here, before any plugin code loads.</summary>
public static partial class PluginManifestReader
{
    /// <summary>Manifests larger than this are refused: a manifest is a few hundred bytes.</summary>
    public const int MaxManifestBytes = 64 * 1024;

    /// <summary>Reads the manifest at <paramref name="path"/>.</summary>
    /// <exception cref="PluginManifestException">The file is unreadable, too large, not JSON, or a field is missing or wrong.</exception>
    public static PluginManifest Read(string path)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (info.Length > MaxManifestBytes)
            {
                throw new PluginManifestException(path, null, $"is {info.Length} bytes; a manifest may be at most {MaxManifestBytes}.");
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PluginManifestException(path, null, $"cannot be read: {e.Message}");
        }

        return Parse(path, bytes);
    }

    /// <summary>Parses manifest bytes; <paramref name="path"/> is used for messages and the plugin folder.</summary>
    /// <exception cref="PluginManifestException">The JSON is malformed, or a field is missing or wrong.</exception>
    public static PluginManifest Parse(string path, ReadOnlySpan<byte> json)
    {
        if (!System.Text.Unicode.Utf8.IsValid(json))
        {
            throw new PluginManifestException(path, null, "is not valid UTF-8 text.");
        }

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 8 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw new PluginManifestException(path, null, $"is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new PluginManifestException(path, null, $"must hold a JSON object, not {root.ValueKind}.");
            }

            var id = RequiredString(path, root, "id");
            if (!IdPattern().IsMatch(id))
            {
                throw new PluginManifestException(path, "id", $"'{id}' is not lower-case letters, digits and dashes (for example 'bpf-runtime').");
            }

            var entry = RequiredString(path, root, "entryAssembly");
            if (entry != Path.GetFileName(entry) || !entry.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            {
                throw new PluginManifestException(path, "entryAssembly", $"'{entry}' must be the file name of a .dll in the plugin folder.");
            }

            var manifest = new PluginManifest
            {
                Id = id,
                Version = RequiredVersion(path, root, "version"),
                EntryAssembly = entry,
                ContractVersion = RequiredVersion(path, root, "contractVersion"),
                Description = OptionalString(path, root, "description") ?? string.Empty,
                Commands = StringArray(path, root, "commands", "commands"),
                Isolation = Isolation(path, root),
                ManifestPath = Path.GetFullPath(path),
            };

            if (root.TryGetProperty("requires", out var requires))
            {
                if (requires.ValueKind != JsonValueKind.Object)
                {
                    throw new PluginManifestException(path, "requires", $"must be an object, not {requires.ValueKind}.");
                }

                manifest = manifest with
                {
                    RequiresOs = StringArray(path, requires, "requires.os", "os"),
                    RequiresCapabilities = StringArray(path, requires, "requires.capabilities", "capabilities"),
                };
            }

            return manifest;
        }
    }

    private static PluginIsolation Isolation(string path, JsonElement root)
    {
        var text = OptionalString(path, root, "isolation");
        if (text is null)
        {
            return PluginIsolation.InProcess;
        }

        return PluginIsolationNames.TryParse(text, out var isolation)
            ? isolation
            : throw new PluginManifestException(path, "isolation", $"'{text}' is not '{PluginIsolationNames.Process}' or '{PluginIsolationNames.InProcess}'.");
    }

    private static string RequiredString(string path, JsonElement root, string field) =>
        OptionalString(path, root, field) is { Length: > 0 } value
            ? value
            : throw new PluginManifestException(path, field, "is missing or empty.");

    private static string? OptionalString(string path, JsonElement root, string field)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new PluginManifestException(path, field, $"must be a string, not {value.ValueKind}.");
    }

    private static NuGetVersion RequiredVersion(string path, JsonElement root, string field)
    {
        var text = RequiredString(path, root, field);
        return NuGetVersion.TryParseStrict(text, out var version)
            ? version
            : throw new PluginManifestException(path, field, $"'{text}' is not a SemVer 2.0 version (for example 1.2.0).");
    }

    private static string[] StringArray(string path, JsonElement parent, string field, string name)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new PluginManifestException(path, field, $"must be an array of strings, not {value.ValueKind}.");
        }

        var items = new List<string>();
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(item.GetString()))
            {
                throw new PluginManifestException(path, $"{field}[{index}]", "must be a non-empty string.");
            }

            items.Add(item.GetString()!);
            index++;
        }

        return [.. items];
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
