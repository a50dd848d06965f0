using System.Text.Json;
using Framework.EndToEnd.Tests.Infrastructure;
using Framework.Tests.Shared;

namespace Framework.EndToEnd.Tests.Cli;

public sealed class CliTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public CliTests()
    {
        _sandbox.Add("sample");
        _sandbox.Add("lib-user-a");
        _sandbox.Add("future-contract");
    }

    public void Dispose() => _sandbox.Dispose();

    private string[] Args(params string[] args) => ["--no-bundled-plugins", "--plugins-dir", _sandbox.Root, .. args];

    private Dictionary<string, string?> Environment => new() { ["FRAMEWORK_TEST_MARKER_DIR"] = _sandbox.MarkerDirectory };

    [Fact]
    public async Task Help_lists_the_host_verbs_and_every_plugin_verb()
    {
        var result = await FrameworkProcess.RunAsync(Args("--help"), Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("plugins", result.Output, StringComparison.Ordinal);
        Assert.Contains("run", result.Output, StringComparison.Ordinal);
        Assert.Contains("sample", result.Output, StringComparison.Ordinal);
        Assert.Contains("lib-a", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_is_a_usage_error_with_exit_code_2()
    {
        var result = await FrameworkProcess.RunAsync(Args("frobnicate"), Environment);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Unrecognized command or argument 'frobnicate'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_global_option_is_a_usage_error()
    {
        var result = await FrameworkProcess.RunAsync(["--set", "novalue", "plugins", "list"], Environment);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--set expects key=value", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unwritable_telemetry_file_is_a_clear_usage_error()
    {
        var result = await FrameworkProcess.RunAsync(Args("--set", "Host:Telemetry:FilePath=/proc/framework/otlp.jsonl", "plugins", "list"), Environment);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("/proc/framework/otlp.jsonl", result.Error, StringComparison.Ordinal);
        Assert.Contains("Host:Telemetry:FilePath", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plugins_list_shows_every_plugin_with_its_state_as_json()
    {
        var result = await FrameworkProcess.RunAsync(Args("plugins", "list", "--json"), Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = JsonDocument.Parse(result.Output).RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!);
        Assert.Equal("Configured", rows["sample"].GetProperty("state").GetString());
        Assert.Equal("1.2.0", rows["sample"].GetProperty("contractVersion").GetString());
        Assert.Equal("in-process", rows["sample"].GetProperty("isolation").GetString());
        Assert.True(rows["sample"].GetProperty("loadTimeMs").GetDouble() > 0);
        Assert.Equal("Refused", rows["future-contract"].GetProperty("state").GetString());
        Assert.Equal("built against Framework.Abstractions 2.0.0, but this host provides 1.2.0: the major versions differ.", rows["future-contract"].GetProperty("reason").GetString());
        Assert.False(_sandbox.MarkerExists("future-contract.ran"));
    }

    [Fact]
    public async Task Plugins_list_renders_a_table_with_the_required_columns()
    {
        var result = await FrameworkProcess.RunAsync(Args("plugins", "list"), Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var column in new[] { "Id", "Version", "Contract", "Isolation", "Capabilities", "State", "Load time", "Path" })
        {
            Assert.Contains(column, result.Output, StringComparison.Ordinal);
        }

        Assert.Contains(Path.Combine(_sandbox.Root, "sample"), result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plugins_inspect_describes_one_plugin()
    {
        var result = await FrameworkProcess.RunAsync(Args("plugins", "inspect", "sample", "--json"), Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        var doc = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal("sample", doc.GetProperty("id").GetString());
        Assert.Equal(["sample"], doc.GetProperty("commands").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["emit-telemetry: Emits a span, a counter and a log."], doc.GetProperty("jobs").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["Framework.Abstractions.Capabilities.IPacketFilterProvider"], doc.GetProperty("capabilities").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(64, doc.GetProperty("entryAssemblySha256").GetString()!.Length);
    }

    [Fact]
    public async Task Plugins_inspect_of_an_unknown_id_is_a_usage_error_naming_the_known_ones()
    {
        var result = await FrameworkProcess.RunAsync(Args("plugins", "inspect", "nope"), Environment);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("no plugin 'nope'. Known: ", result.Error, StringComparison.Ordinal);
        Assert.Contains("sample", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plugin_command_runs_with_its_arguments_options_and_configuration()
    {
        var result = await FrameworkProcess.RunAsync(Args("--set", "Plugins:sample:Greeting=Hi", "sample", "greet", "World", "--shout"), Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("HI, WORLD!", result.Output.Trim());
    }

    [Fact]
    public async Task A_repeatable_plugin_option_keeps_every_value_in_order()
    {
        var result = await FrameworkProcess.RunAsync(Args("sample", "greet", "Ann", "--also", "Bob", "-a", "Cy"), Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Hello, Ann and Bob and Cy!", result.Output.Trim());
    }

    [Fact]
    public async Task Plugin_configuration_comes_from_FRAMEWORK_environment_variables()
    {
        var environment = Environment;
        environment["FRAMEWORK_Plugins__sample__Greeting"] = "Howdy";
        var result = await FrameworkProcess.RunAsync(Args("sample", "greet", "World"), environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Howdy, World!", result.Output.Trim());
    }

    [Fact]
    public async Task A_plugin_usage_error_exits_with_2_and_a_failure_with_1()
    {
        var usage = await FrameworkProcess.RunAsync(Args("sample", "greet", "nobody"), Environment);
        Assert.True(usage.ExitCode == 2, usage.ToString());
        Assert.Contains("framework sample greet: name: 'nobody' cannot be greeted.", usage.Error, StringComparison.Ordinal);

        // A bundled plugin whose messages start with the command path, as the contract's own do: said once.
        var bundled = await FrameworkProcess.RunAsync(["vector", "send", "transport=l2tpv3,udp=1,src=1.2.3.4"], Environment);
        Assert.True(bundled.ExitCode == 2, bundled.ToString());
        Assert.StartsWith("framework vector send: spec: option 'dst' is missing", bundled.Error, StringComparison.Ordinal);

        var failure = await FrameworkProcess.RunAsync(Args("sample", "fail"), Environment);
        Assert.True(failure.ExitCode == 1, failure.ToString());
        Assert.Contains("framework sample fail: InvalidOperationException: sample failure", failure.Error, StringComparison.Ordinal);

        var missing = await FrameworkProcess.RunAsync(Args("sample", "greet"), Environment);
        Assert.True(missing.ExitCode == 2, missing.ToString());
    }

    [Fact]
    public async Task Run_until_jobs_done_starts_runs_jobs_reports_health_and_stops()
    {
        var result = await FrameworkProcess.RunAsync(Args("--verbose", "run", "--until-jobs-done"), Environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Plugins started", result.Output, StringComparison.Ordinal);
        Assert.Contains("Plugins stopped", result.Output, StringComparison.Ordinal);
        Assert.Contains("Job sample/emit-telemetry succeeded", result.Error, StringComparison.Ordinal);
        Assert.Contains("sample job emitted telemetry", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_stops_gracefully_on_SIGTERM()
    {
        using var process = FrameworkProcess.Start(Args("run"), Environment);
        var output = new System.Text.StringBuilder();
        var started = new TaskCompletionSource();
        process.OutputDataReceived += (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }

            if (e.Data?.Contains("Plugins started", StringComparison.Ordinal) == true)
            {
                started.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        var error = process.StandardError.ReadToEndAsync();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(60));

        await FrameworkProcess.TerminateAsync(process, TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{output}\n{await error}");
        lock (output)
        {
            Assert.Contains("Plugins stopped", output.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_faulting_plugin_does_not_stop_the_host_and_shows_in_run_health()
    {
        _sandbox.Add("misbehaving");
        var result = await FrameworkProcess.RunAsync(
            Args("--set", "Plugins:misbehaving:Fault=start-throw", "run", "--until-jobs-done"), Environment);

        // The other plugins ran their jobs, but the run as a whole did not go as asked: exit 1.
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("1 plugin(s) faulted (misbehaving 1.0.0:", result.Error, StringComparison.Ordinal);
        Assert.Contains("MisbehavingService failed to start: InvalidOperationException: misbehaving throws in start", result.Output, StringComparison.Ordinal);
        Assert.Contains("Job sample/emit-telemetry succeeded", result.Error, StringComparison.Ordinal);
    }
}
