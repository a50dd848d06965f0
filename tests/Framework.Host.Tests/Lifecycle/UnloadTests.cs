using System.Diagnostics;
using System.Diagnostics.Metrics;
using Framework.Host.Lifecycle;
using Framework.Host.Telemetry;
using Framework.Host.Tests.Infrastructure;
using Framework.Tests.Shared;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Framework.Host.Tests.Lifecycle;

public sealed class UnloadTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task An_unloaded_plugin_context_is_collected_after_it_emitted_traces_and_metrics()
    {
        _sandbox.Add("sample");
        var spans = new List<string>();
        var metrics = new List<string>();
        using var tracer = Sdk.CreateTracerProviderBuilder().AddSource(TelemetryNames.PluginSourcePattern, TelemetryNames.HostSource)
            .AddProcessor(new SimpleActivityExportProcessor(new RecordingExporter<Activity>(a => spans.Add($"{a.Source.Name}/{a.DisplayName}"))))
            .Build();
        using var meter = Sdk.CreateMeterProviderBuilder().AddMeter(TelemetryNames.PluginSourcePattern, TelemetryNames.HostSource)
            .AddReader(new BaseExportingMetricReader(new RecordingExporter<Metric>(m => metrics.Add(m.Name))))
            .Build();
        await using var host = TestHost.Create(_sandbox, meters: meter);

        host.Manager.Discover();
        host.Manager.LoadAll();
        await host.Manager.StartAllAsync(CancellationToken.None);
        await CommandRunner.RunAsync(host.Manager, "sample emit");
        meter.ForceFlush();
        Assert.Contains("Framework.Plugins.sample/sample.work", spans);
        Assert.Contains("sample.items", metrics);
        Assert.Contains("sample.gauge", metrics);
        spans.Clear();

        var collected = await host.Manager.UnloadAsync(host.Plugin("sample"), CancellationToken.None);

        Assert.True(collected, "the sample plugin's AssemblyLoadContext was not collected after unload");
        Assert.Equal(PluginState.Unloaded, host.Plugin("sample").State);
        Assert.False(host.Plugin("sample").UnloadLeaked);
    }

    [Fact]
    public async Task A_plugin_that_roots_itself_is_reported_by_id_when_its_context_stays_alive()
    {
        _sandbox.Add("misbehaving");
        await using var host = TestHost.Create(_sandbox, new Dictionary<string, string?> { ["Plugins:misbehaving:Fault"] = "leak" });
        host.Manager.Discover();
        host.Manager.LoadAll();

        var collected = await host.Manager.UnloadAsync(host.Plugin("misbehaving"), CancellationToken.None);

        Assert.False(collected);
        Assert.True(host.Plugin("misbehaving").UnloadLeaked);
        Assert.True(host.Logs.Contains(LogLevel.Warning, "Plugin misbehaving was unloaded but its load context is still alive"));
    }
}
