using System.Text.Json.Nodes;

namespace Framework.Host.Tests.Infrastructure;

/// <summary>Edits a plugin's .deps.json the way a build would have written other dependencies into it.</summary>
internal static class DepsJson
{
    /// <summary>Adds a package library with the given assets ("runtime", "native" or "runtimeTargets") to the first target.</summary>
    public static void AddLibrary(string pluginFolder, string library, string assetKind, JsonObject assets)
    {
        var path = Directory.GetFiles(pluginFolder, "*.deps.json").Single();
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var target = root["targets"]!.AsObject().First().Value!.AsObject();
        target[library] = new JsonObject { [assetKind] = assets };
        root["libraries"]!.AsObject()[library] = new JsonObject { ["type"] = "package", ["serviceable"] = true, ["sha512"] = "" };
        File.WriteAllText(path, root.ToJsonString());
    }
}
