using System.Text.Json;

namespace Framework.Host.Tests.Telemetry;

/// <summary>A temporary OTLP-JSON file and helpers to read its lines back with System.Text.Json.</summary>
internal sealed class OtlpJsonLines : IDisposable
{
    public OtlpJsonLines()
    {
        Directory = Path.Combine(Path.GetTempPath(), "otlpjson-" + Guid.NewGuid().ToString("N"));
        FilePath = Path.Combine(Directory, "nested", "telemetry.jsonl");
    }

    public string Directory { get; }

    public string FilePath { get; }

    /// <summary>Every line, parsed; fails the test if a line is not one JSON object.</summary>
    public IReadOnlyList<JsonElement> Read()
    {
        var text = File.ReadAllText(FilePath);
        Assert.EndsWith("\n", text);
        var lines = text[..^1].Split('\n');
        return lines.Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
            return document.RootElement.Clone();
        }).ToList();
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>The attributes array of <paramref name="owner"/> as key → AnyValue.</summary>
    public static Dictionary<string, JsonElement> Attributes(JsonElement owner)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (owner.TryGetProperty("attributes", out var attributes))
        {
            foreach (var kv in attributes.EnumerateArray())
            {
                Assert.Equal(2, kv.EnumerateObject().Count());
                result.Add(kv.GetProperty("key").GetString()!, kv.GetProperty("value"));
            }
        }

        return result;
    }

    /// <summary>The single property of an AnyValue, as (name, raw JSON).</summary>
    public static (string Kind, string Json) Any(JsonElement value)
    {
        var property = Assert.Single(value.EnumerateObject());
        return (property.Name, property.Value.GetRawText());
    }
}
