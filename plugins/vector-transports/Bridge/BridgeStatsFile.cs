using System.Text.Json;
using System.Text.Json.Serialization;

namespace Framework.Plugins.VectorTransports.Bridge;

/// <summary>
/// The bridges' snapshots in a JSON file that the bridge service rewrites every second, so that
/// <c>framework vector stats</c>, run as another process, can show what <c>framework run</c> is doing.
/// Written atomically (temporary file, then rename). Thread-safe (stateless).
/// </summary>
public static class BridgeStatsFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The default path: $XDG_RUNTIME_DIR/framework/vector-bridges.json, or the same under the temp directory.</summary>
    public static string DefaultPath =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtime ? runtime : Path.GetTempPath(), "framework", "vector-bridges.json");

    /// <summary>Writes the snapshots.</summary>
    public static void Write(string path, IReadOnlyList<BridgeSnapshot> bridges)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        Framework.Abstractions.Files.OutputFile.WriteAllText(path, "stats file", JsonSerializer.Serialize(new BridgeStatsDocument(Environment.ProcessId, DateTimeOffset.UtcNow, bridges), Json));
    }

    /// <summary>Reads the snapshots, or null when there is no file.</summary>
    /// <exception cref="VectorTransportException">The file is not a stats file; the message says why.</exception>
    public static BridgeStatsDocument? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<BridgeStatsDocument>(Framework.Abstractions.Files.InputFile.ReadAllText(path, "stats file", Framework.Abstractions.Files.InputFile.SmallLimit), Json)
                ?? throw new VectorTransportException($"{path}: empty stats file");
        }
        catch (JsonException e)
        {
            throw new VectorTransportException($"{path}: not a bridge stats file: {e.Message}", e);
        }
        catch (Framework.Abstractions.Commands.CommandFailedException e)
        {
            throw new VectorTransportException(e.Message, e);
        }
    }
}
