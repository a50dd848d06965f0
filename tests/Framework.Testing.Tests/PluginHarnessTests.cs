using System.Diagnostics;
using Framework.Abstractions.Capabilities;
using Framework.Host.Discovery;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Framework.Testing.Tests;

/// <summary>Each behaviour in both modes: a theory over <see cref="PluginIsolation"/> is how a plugin
/// author writes one test that runs the plugin in process and in its plugin-host child.</summary>
public sealed class PluginHarnessTests
{
    public static TheoryData<PluginIsolation> BothWays => [PluginIsolation.InProcess, PluginIsolation.Process];

    private static readonly KeyValuePair<string, string?>[] Settings =
    [
        new("Plugins:sample:Greeting", "Hi"),
        new("Plugins:sample:Items", "5"),
    ];

    [Fact]
    public async Task Loads_the_plugin_from_its_manifest_in_its_own_context()
    {
        await using var harness = PluginHarness.Load(BuiltPlugins.Folder("sample"), Settings);

        Assert.Equal("sample", harness.Plugin.Id);
        Assert.Equal("1.0.0", harness.Plugin.Version);
        Assert.Equal(["sample"], harness.Commands.Select(c => c.Name));
        Assert.Equal(["emit-telemetry"], harness.Jobs);
        Assert.Equal(["sample"], harness.HealthChecks);
        var pluginAssembly = harness.Commands[0].Subcommands[0].Handler!.Method.DeclaringType!.Assembly;
        Assert.NotSame(System.Runtime.Loader.AssemblyLoadContext.Default, System.Runtime.Loader.AssemblyLoadContext.GetLoadContext(pluginAssembly));
    }

    [Theory]
    [MemberData(nameof(BothWays))]
    public async Task Runs_a_command_with_arguments_options_and_bound_configuration(PluginIsolation isolation)
    {
        await using var harness = PluginHarness.Load(BuiltPlugins.Folder("sample"), Settings, isolation);

        var result = await harness.RunCommandAsync("sample", "greet", "world", "--shout");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("HI, WORLD!", result.Output.Trim());
        Assert.Empty(result.Error);
    }

    [Theory]
    [MemberData(nameof(BothWays))]
    public async Task A_repeatable_option_keeps_every_value_in_order_as_the_host_does(PluginIsolation isolation)
    {
        await using var harness = PluginHarness.Load(BuiltPlugins.Folder("sample"), Settings, isolation);

        var result = await harness.RunCommandAsync("sample", "greet", "Ann", "--also", "Bob", "-a", "Cy");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Hi, Ann and Bob and Cy!", result.Output.Trim());
    }

    [Theory]
    [MemberData(nameof(BothWays))]
    public async Task Maps_usage_errors_to_2_and_failures_to_1_as_the_host_does(PluginIsolation isolation)
    {
        await using var harness = PluginHarness.Load(BuiltPlugins.Folder("sample"), Settings, isolation);

        var usage = await harness.RunCommandAsync("sample", "greet", "nobody");
        var missing = await harness.RunCommandAsync("sample", "greet");
        var failure = await harness.RunCommandAsync("sample", "fail");
        var unknown = await harness.RunCommandAsync("sample", "greet", "x", "--whisper");

        Assert.Equal(2, usage.ExitCode);
        Assert.Equal("framework sample greet: name: 'nobody' cannot be greeted.", usage.Error.Trim());
        Assert.Equal(2, missing.ExitCode);
        Assert.StartsWith("framework: Required argument missing", missing.Error, StringComparison.Ordinal);
        Assert.Equal(1, failure.ExitCode);
        Assert.Equal("framework sample fail: InvalidOperationException: sample failure", failure.Error.Trim());
        Assert.Equal(2, unknown.ExitCode);
    }

    [Theory]
    [MemberData(nameof(BothWays))]
    public async Task Captures_tables_spans_measurements_and_logs(PluginIsolation isolation)
    {
        await using var harness = PluginHarness.Load(BuiltPlugins.Folder("sample"), Settings, isolation);

        var result = await harness.RunCommandAsync("sample", "emit");

        Assert.Equal(0, result.ExitCode);
        var table = Assert.Single(result.Tables);
        Assert.Equal("emitted", table.Title);
        Assert.Equal(["signal", "name"], table.Columns);
        var span = Assert.Single(harness.Spans);
        Assert.Equal("sample.work", span.Name);
        Assert.Equal(ActivityKind.Internal, span.Kind);
        Assert.Equal(5L, Convert.ToInt64(span.Tags["sample.items"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("sample", span.Tags["framework.plugin.id"]);
        Assert.Equal("1.0.0", span.Tags["framework.plugin.version"]);
        var measurements = harness.Measurements;
        var counted = Assert.Single(measurements, m => m.Instrument == "sample.items");
        Assert.Equal(5, counted.Value);
        Assert.Equal("test", counted.Tags["sample.kind"]);
        Assert.Contains(measurements, m => m.Instrument == "sample.gauge" && m.Value == 5);
        var log = Assert.Single(harness.Logs, l => l.Message.Contains("emitted telemetry", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, log.Level);
        Assert.Equal("sample job emitted telemetry (5 items)", log.Message);
    }

    [Theory]
    [MemberData(nameof(BothWays))]
    public async Task Runs_jobs_and_health_checks_and_starts_hosted_services(PluginIsolation isolation)
    {
        await using var harness = PluginHarness.Load(BuiltPlugins.Folder("sample"), Settings, isolation);

        await harness.StartAsync();
        await harness.RunJobAsync("emit-telemetry");
        var health = await harness.CheckHealthAsync();
        await harness.StopAsync();

        Assert.Contains(harness.Logs, l => l.Message == "sample service started");
        Assert.Single(harness.Spans, s => s.Name == "sample.work");
        Assert.Equal(HealthStatus.Healthy, health["sample"].Status);
        await Assert.ThrowsAsync<ArgumentException>(() => harness.RunJobAsync("nope"));
    }

    [Fact]
    public async Task Invalid_configuration_fails_start_naming_the_key()
    {
        await using var harness = PluginHarness.Load(BuiltPlugins.Folder("sample"), [new("Plugins:sample:Items", "5000")]);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => harness.StartAsync());

        Assert.Contains(error.Failures, f => f.StartsWith("Plugins:sample:Items:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Out_of_process_invalid_configuration_fails_start_with_the_child_reason_naming_the_key()
    {
        await using var harness = PluginHarness.Load(BuiltPlugins.Folder("sample"), [new("Plugins:sample:Items", "5000")], PluginIsolation.Process);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.StartAsync());

        Assert.StartsWith("start failed in the plugin-host child: start failed: OptionsValidationException: Plugins:sample:Items:", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BothWays))]
    public async Task A_published_capability_is_usable_from_the_test(PluginIsolation isolation)
    {
        await using var harness = PluginHarness.Load(BuiltPlugins.Folder("sample"), Settings, isolation);

        var provider = harness.GetCapability<IPacketFilterProvider>();

        Assert.NotNull(provider);
        Assert.Equal("min-length", provider.Kind);
        using var filter = provider.Load("10", null);
        Assert.Equal(10u, filter.Filter(new byte[10]));
        Assert.Equal(0u, filter.Filter(new byte[9]));
    }

    [Fact]
    public void A_plugin_built_against_a_newer_contract_minor_is_refused_with_the_host_message()
    {
        var error = Assert.Throws<PluginLoadException>(() => PluginHarness.Load(BuiltPlugins.Folder("newer-minor")));

        Assert.Contains("built against Framework.Abstractions 1.5.0, newer than this host's 1.2.0: a newer host is needed.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_without_a_manifest_is_refused()
    {
        var empty = Directory.CreateTempSubdirectory("framework-testing-").FullName;
        try
        {
            var error = Assert.Throws<PluginLoadException>(() => PluginHarness.Load(empty));
            Assert.Contains("has no plugin.json", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public void A_plugin_with_a_missing_private_dependency_is_refused_with_the_host_reason()
    {
        var folder = BuiltPlugins.Folder("missing-dep");

        var error = Assert.Throws<PluginLoadException>(() => PluginHarness.Load(folder));

        Assert.Equal(
            $"plugin missing-dep at {folder} refused: missing dependency: Framework.TestLib.dll (package Framework.TestLib/1.0.0), listed in Framework.TestPlugins.MissingDep.deps.json but not in {folder}.",
            error.Message);
    }

    [Fact]
    public void A_broken_manifest_is_refused_naming_the_file_and_the_field_as_the_host_does()
    {
        var folder = BuiltPlugins.Folder("broken-manifest");

        var error = Assert.Throws<PluginLoadException>(() => PluginHarness.Load(folder));

        Assert.Equal($"plugin at {folder} refused: {Path.Combine(folder, "plugin.json")}: field 'version': 'one.two' is not a SemVer 2.0 version (for example 1.2.0).", error.Message);
    }

    [Fact]
    public async Task The_trust_policy_in_the_settings_applies_as_in_the_host()
    {
        var folder = BuiltPlugins.Folder("sample");
        var refused = Assert.Throws<PluginLoadException>(() => PluginHarness.Load(folder, [new("Host:Trust:Enabled", "true")]));
        Assert.Equal($"plugin sample at {folder} refused: refused by the trust policy: 'sample' is not listed in Host:Trust:Allowed or Host:Trust:Folders.", refused.Message);

        var hash = Framework.Host.Discovery.TrustPolicy.Sha256Of(Path.Combine(folder, "Framework.TestPlugins.Sample.dll"));
        await using var harness = PluginHarness.Load(folder, [.. Settings, new("Host:Trust:Enabled", "true"), new("Host:Trust:Allowed:sample", hash)]);
        Assert.Equal("sample", harness.Plugin.Id);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Plugin_options_bind_in_both_spellings_as_in_the_host(bool joined)
    {
        await using var harness = PluginHarness.Load(BuiltPlugins.Folder("sample"), Settings);
        string[] words = joined
            ? ["sample", "greet", "Ann", "--also=Bob", "-a=Cy", "--shout"]
            : ["sample", "greet", "Ann", "--also", "Bob", "-a", "Cy", "--shout"];

        var result = await harness.RunCommandAsync(words);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("HI, ANN AND BOB AND CY!", result.Output.Trim());
    }

    [Theory]
    [InlineData("--set", "Plugins:sample:Greeting=Yo")]
    [InlineData("--set=Plugins:sample:Greeting=Yo", null)]
    [InlineData("--settings", "more.json")]
    [InlineData("--plugins-dir=/elsewhere", null)]
    [InlineData("--no-bundled-plugins", null)]
    [InlineData("--verbose", null)]
    public async Task A_host_option_is_parsed_as_the_host_parses_it_and_refused_with_a_usage_error(string option, string? value)
    {
        await using var harness = PluginHarness.Load(BuiltPlugins.Folder("sample"), Settings);
        string[] words = value is null ? ["sample", "greet", "Ann", option] : ["sample", "greet", "Ann", option, value];

        var result = await harness.RunCommandAsync(words);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("configures the host, which the harness stands in for: pass settings to PluginHarness.Load instead.", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Theory]
    [MemberData(nameof(BothWays))]
    public async Task An_unknown_option_is_a_usage_error_from_the_host_parser(PluginIsolation isolation)
    {
        await using var harness = PluginHarness.Load(BuiltPlugins.Folder("sample"), Settings, isolation);

        var result = await harness.RunCommandAsync("sample", "greet", "Ann", "--what");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--what", result.Error, StringComparison.Ordinal);
    }
}
