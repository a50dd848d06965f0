using System.Text.Json;
using Framework.EndToEnd.Tests.Infrastructure;

namespace Framework.EndToEnd.Tests.Telemetry;

/// <summary>
/// A class fixture: one <see cref="TelemetryHostRun"/> of the real host over the given test plugins,
/// with <c>Host:Telemetry:FilePath</c> set, and the OTLP-JSON lines it wrote, read back as records.
/// Each test class derives one with its plugins and extra arguments (an isolation mode, settings).
/// </summary>
public abstract class OtlpJsonFileRun(string[] plugins, string[] extraArgs) : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("framework-otlpjson-").FullName;

    public ProcessResult Result { get; private set; } = null!;

    public IReadOnlyList<JsonElement> Lines { get; private set; } = [];

    /// <summary>The attributes of a span, log record, data point, scope or resource, by key.</summary>
    public static Dictionary<string, JsonElement> Attributes(JsonElement owner) =>
        owner.TryGetProperty("attributes", out var attributes)
            ? attributes.EnumerateArray().ToDictionary(kv => kv.GetProperty("key").GetString()!, kv => kv.GetProperty("value"))
            : [];

    /// <summary>Every record of one signal with its scope, e.g. ("resourceSpans", "scopeSpans", "spans").</summary>
    public List<(JsonElement Scope, JsonElement Record)> Records(string resourceKey, string scopeKey, string recordKey) =>
        Lines.Where(l => l.TryGetProperty(resourceKey, out _))
            .SelectMany(l => l.GetProperty(resourceKey).EnumerateArray())
            .SelectMany(r => r.GetProperty(scopeKey).EnumerateArray())
            .SelectMany(s => s.GetProperty(recordKey).EnumerateArray().Select(record => (s.GetProperty("scope"), record)))
            .ToList();

    public async Task InitializeAsync()
    {
        // A directory that does not exist yet: the exporter creates it.
        var file = Path.Combine(_directory, "out", "telemetry.jsonl");
        Result = await TelemetryHostRun.RunAsync(new Dictionary<string, string?>(), plugins, [.. extraArgs, "--set", $"Host:Telemetry:FilePath={file}"]);
        Lines = File.Exists(file)
            ? File.ReadAllLines(file).Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToList()
            : throw new InvalidOperationException($"no OTLP-JSON file was written at {file}; {Result}");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}
