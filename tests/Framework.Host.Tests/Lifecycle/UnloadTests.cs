using System.Diagnostics;
using System.Reflection;
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

    [Fact]
    public async Task A_plugin_loaded_for_one_command_is_in_a_context_that_is_never_collected_and_refuses_unload()
    {
        // One-shot commands load this way: the runtime uses ReadyToRun code only outside collectible contexts.
        _sandbox.Add("sample");
        await using var host = TestHost.Create(_sandbox, unloadable: false);
        host.Manager.Discover();
        host.Manager.LoadAll();
        var loaded = host.Plugin("sample").Assembly!;

        Assert.Equal(PluginState.Configured, host.Plugin("sample").State);
        Assert.False(loaded.IsUnloadable);
        Assert.False(System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(loaded.EntryAssembly)!.IsCollectible);
        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Manager.UnloadAsync(host.Plugin("sample"), CancellationToken.None));
        Assert.Equal("plugin sample was loaded for one command, in a context that cannot be unloaded.", refusal.Message);
        Assert.Equal(PluginState.Configured, host.Plugin("sample").State);
    }

    [Fact]
    public async Task A_bundled_ReadyToRun_plugin_loads_in_a_collectible_context_and_is_collected_after_unload()
    {
        // The bundled plugins of a Release build are ReadyToRun images; the runtime runs them as IL in a
        // collectible context, and they must unload like any other plugin.
        var bundled = Path.Combine(RepoRoot(), "host", "bin", Configuration, "net10.0", "plugins", "bpf-runtime");
        Assert.True(Directory.Exists(bundled), $"the host's build output has no {bundled}: build the host first.");
        _sandbox.AddFrom(bundled, "bpf-runtime");
        await using var host = TestHost.Create(_sandbox);
        host.Manager.Discover();
        host.Manager.LoadAll();
        Assert.Equal(PluginState.Configured, host.Plugin("bpf-runtime").State);
        Assert.True(host.Plugin("bpf-runtime").Assembly!.IsUnloadable);
        Assert.Equal(0, (await CommandRunner.RunAsync(host.Manager, "bpf helpers")).ExitCode);

        var collected = await host.Manager.UnloadAsync(host.Plugin("bpf-runtime"), CancellationToken.None);

        Assert.True(collected, "the ReadyToRun bpf-runtime plugin's context was not collected after unload");
        Assert.Equal(PluginState.Unloaded, host.Plugin("bpf-runtime").State);
    }

    private static string Configuration =>
        typeof(UnloadTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Framework.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException("no Framework.sln above the test assembly");
    }
}
