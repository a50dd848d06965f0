using System.Reflection;
using Framework.Host.Discovery;
using Framework.Testing;
using Microsoft.Extensions.Options;

namespace Acme.Hello.Tests;

public sealed class PluginTests
{
    // The plugin's build output (with plugin.json), loaded the way the host loads it.
    private static readonly string PluginFolder = typeof(PluginTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "PluginFolder").Value!;

    // Where the plugin runs: in the test process, and out of process (a real `framework plugin-host`
    // child, as the host runs a plugin with isolation 'process') when FRAMEWORK_HOST_PATH names the
    // host's framework.dll; without it only in process, since the harness has no host to start.
    public static TheoryData<PluginIsolation> Isolations { get; } =
        Environment.GetEnvironmentVariable("FRAMEWORK_HOST_PATH") is { Length: > 0 }
            ? [PluginIsolation.InProcess, PluginIsolation.Process]
            : [PluginIsolation.InProcess];

    [Theory]
    [MemberData(nameof(Isolations))]
    public async Task Greet_uses_the_configured_greeting(PluginIsolation isolation)
    {
        await using var harness = PluginHarness.Load(PluginFolder, [new("Plugins:acme-hello:Greeting", "Hi"), new("Plugins:acme-hello:Repeat", "2")], isolation);

        var result = await harness.RunCommandAsync("acme-hello", "greet", "world", "--shout");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["HI, WORLD!", "HI, WORLD!"], result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Theory]
    [MemberData(nameof(Isolations))]
    public async Task Greet_records_a_span_a_counter_and_a_log(PluginIsolation isolation)
    {
        await using var harness = PluginHarness.Load(PluginFolder, isolation: isolation);

        await harness.RunCommandAsync("acme-hello", "greet", "world");

        var span = Assert.Single(harness.Spans);
        Assert.Equal("acme-hello.greet", span.Name);
        Assert.Equal("acme-hello", span.Tags["framework.plugin.id"]);
        Assert.Equal(1, Assert.Single(harness.Measurements, m => m.Instrument == "acme-hello.greetings").Value);
        Assert.Contains(harness.Logs, l => l.Message == "Greeted world 1 time(s).");
    }

    [Theory]
    [MemberData(nameof(Isolations))]
    public async Task A_missing_name_is_a_usage_error(PluginIsolation isolation)
    {
        await using var harness = PluginHarness.Load(PluginFolder, isolation: isolation);

        var result = await harness.RunCommandAsync("acme-hello", "greet");

        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task Invalid_options_fail_start_naming_the_key()
    {
        await using var harness = PluginHarness.Load(PluginFolder, [new("Plugins:acme-hello:Repeat", "0")]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => harness.StartAsync());

        Assert.Contains(error.Failures, f => f.StartsWith("Plugins:acme-hello:Repeat", StringComparison.Ordinal));
    }
#if (hostedService)

    [Fact]
    public async Task The_hosted_service_starts_and_stops()
    {
        await using var harness = PluginHarness.Load(PluginFolder);

        await harness.StartAsync();
        await harness.StopAsync();

        Assert.Contains(harness.Logs, l => l.Message == "Heartbeat started.");
        Assert.Contains(harness.Logs, l => l.Message == "Heartbeat stopped.");
    }
#endif
}
