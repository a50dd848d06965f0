using Framework.EndToEnd.Tests.Infrastructure;
using Framework.Tests.Shared;

namespace Framework.EndToEnd.Tests.Telemetry;

/// <summary>
/// One run of the real host over the test plugin "sample" (<c>run --until-jobs-done</c>): its job
/// "emit-telemetry" starts the span sample.work, adds 3 to the counter sample.items and logs
/// "sample job emitted telemetry"; the host adds its own spans, metrics and logs around it.
/// </summary>
internal static class TelemetryHostRun
{
    /// <summary>OTEL_RESOURCE_ATTRIBUTES for every run: one plain, one percent-encoded, one that OTEL_SERVICE_NAME must beat.</summary>
    public const string ResourceAttributes = "deployment.environment=e2e,framework.test.note=a%20b,service.name=overridden";

    public const string ServiceName = "framework-e2e";

    public static Task<ProcessResult> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] extraArgs) =>
        RunAsync(environment, ["sample"], extraArgs);

    /// <summary>The run over the test plugins <paramref name="plugins"/> (each job runs once).</summary>
    public static async Task<ProcessResult> RunAsync(IReadOnlyDictionary<string, string?> environment, IEnumerable<string> plugins, string[] extraArgs)
    {
        using var sandbox = new PluginSandbox();
        foreach (var plugin in plugins)
        {
            sandbox.Add(plugin);
        }

        var env = new Dictionary<string, string?>(environment)
        {
            ["OTEL_SERVICE_NAME"] = ServiceName,
            ["OTEL_RESOURCE_ATTRIBUTES"] = ResourceAttributes,
        };
        string[] args = ["--no-bundled-plugins", "--plugins-dir", sandbox.Root, .. extraArgs, "run", "--until-jobs-done"];
        return await FrameworkProcess.RunAsync(args, env, TimeSpan.FromMinutes(2));
    }

    /// <summary>The environment that points OTLP export at <paramref name="endpoint"/>.</summary>
    public static Dictionary<string, string?> Otlp(Uri endpoint, string protocol) => new()
    {
        // No trailing slash: the exporter appends /v1/<signal> for http/protobuf.
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{endpoint.Port}",
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol,
    };
}
