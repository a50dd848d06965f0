using Framework.EndToEnd.Tests.Infrastructure;
using Framework.Tests.Shared;

namespace Framework.EndToEnd.Tests.FirstContact;

/// <summary>What a new user meets first: quiet runs, a verb's own help, options whose value looks
/// like a command.</summary>
public sealed class FirstContactTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public FirstContactTests() => _sandbox.Add("sample");

    public void Dispose() => _sandbox.Dispose();

    private string[] Args(params string[] args) => ["--no-bundled-plugins", "--plugins-dir", _sandbox.Root, .. args];

    private Dictionary<string, string?> Environment => new() { ["FRAMEWORK_TEST_MARKER_DIR"] = _sandbox.MarkerDirectory };

    [Fact]
    public async Task Run_help_prints_no_info_log_lines()
    {
        var result = await FrameworkProcess.RunAsync(["run", "--help"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("info:", result.Output + result.Error, StringComparison.Ordinal);
        Assert.Contains("--until-jobs-done", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_without_verbose_shows_tables_and_job_outcomes_but_no_state_changes()
    {
        var result = await FrameworkProcess.RunAsync(Args("run", "--until-jobs-done"), Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Plugins stopped", result.Output, StringComparison.Ordinal);
        Assert.Contains("Job sample/emit-telemetry succeeded", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Discovered -> Loading", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("sample job emitted telemetry", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_with_verbose_shows_the_info_logs()
    {
        var result = await FrameworkProcess.RunAsync(Args("--verbose", "run", "--until-jobs-done"), Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Discovered -> Loading", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hwbp")]
    [InlineData("user-events")]
    [InlineData("vector")]
    [InlineData("bpf")]
    [InlineData("elf2dmp")]
    public async Task A_bundled_verb_help_is_that_verbs_help(string verb)
    {
        var result = await FrameworkProcess.RunAsync([verb, "--help"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"framework {verb} [command] [options]", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("plugins", result.Output.Split("Commands:").Last().Split('\n').Select(l => l.Trim().Split(' ')[0]));
    }

    [Fact]
    public async Task A_plugins_dir_named_like_a_command_is_a_value()
    {
        // 'run' as a relative folder name: if it were taken for the command, the host would start.
        var result = await FrameworkProcess.RunAsync(["--no-bundled-plugins", "--plugins-dir", "run", "plugins", "list", "--json"], Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("[", result.Output.TrimStart(), StringComparison.Ordinal);
        Assert.DoesNotContain("Plugins started", result.Output, StringComparison.Ordinal);
    }
}
