using System.Text.Json;
using Framework.EndToEnd.Tests.Infrastructure;
using Framework.Tests.Shared;

namespace Framework.EndToEnd.Tests.Hostile;

/// <summary>The host reports what happened: a run with a faulted plugin fails, a degraded plugin is
/// not called healthy once it has stopped, and <c>plugins list --start</c> shows the states the
/// plugins reached while they were started.</summary>
public sealed class HonestOutcomeTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public HonestOutcomeTests()
    {
        _sandbox.Add("sample");
        _sandbox.Add("misbehaving");
    }

    public void Dispose() => _sandbox.Dispose();

    private string[] Args(params string[] args) => ["--no-bundled-plugins", "--plugins-dir", _sandbox.Root, .. args];

    private Dictionary<string, string?> Environment => new() { ["FRAMEWORK_TEST_MARKER_DIR"] = _sandbox.MarkerDirectory };

    [Fact]
    public async Task Run_until_jobs_done_exits_1_when_a_plugin_faults_in_configure()
    {
        var result = await FrameworkProcess.RunAsync(Args("--set", "Plugins:misbehaving:Fault=configure-throw", "run", "--until-jobs-done"), Environment);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("Job sample/emit-telemetry succeeded", result.Error, StringComparison.Ordinal);
        Assert.Contains("The run failed: 0 job(s) failed, 1 plugin(s) faulted (misbehaving 1.0.0:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_until_jobs_done_exits_0_when_every_plugin_ran()
    {
        var result = await FrameworkProcess.RunAsync(Args("run", "--until-jobs-done"), Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("The run failed", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_degraded_plugin_is_not_shown_as_healthy_in_the_final_table()
    {
        var result = await FrameworkProcess.RunAsync(Args("--set", "Plugins:misbehaving:Fault=degraded", "run", "--until-jobs-done"), Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        var stopped = result.Output[result.Output.IndexOf("Plugins stopped", StringComparison.Ordinal)..];
        var row = stopped.Split('\n').First(l => l.Contains("misbehaving", StringComparison.Ordinal));
        Assert.Contains("Degraded", row, StringComparison.Ordinal);
        Assert.DoesNotContain("Healthy", row, StringComparison.Ordinal);
        Assert.Contains("Plugins stopped: Degraded", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plugins_list_start_shows_the_states_reached_while_started_and_fails_on_a_fault()
    {
        var result = await FrameworkProcess.RunAsync(Args("--set", "Plugins:misbehaving:Fault=start-throw", "plugins", "list", "--start", "--json"), Environment);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("1 plugin(s) faulted in start or stop: misbehaving 1.0.0", result.Error, StringComparison.Ordinal);
        var rows = JsonDocument.Parse(result.Output).RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("state").GetString());
        Assert.Equal("Running", rows["sample"]);
        Assert.Equal("Faulted", rows["misbehaving"]);
    }

    [Fact]
    public async Task Plugins_list_start_exits_0_when_every_plugin_started_and_stopped()
    {
        var result = await FrameworkProcess.RunAsync(Args("plugins", "list", "--start", "--json"), Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("faulted", result.Error, StringComparison.Ordinal);
    }
}
