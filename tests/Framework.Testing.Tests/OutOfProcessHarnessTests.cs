using System.Globalization;
using Framework.Host.Discovery;
using Framework.Host.Isolation.Parent;

namespace Framework.Testing.Tests;

/// <summary>What only the out-of-process mode does: the plugin's code runs in a plugin-host child,
/// whose death fails the work in flight with how it died instead of ending the test process.</summary>
public sealed class OutOfProcessHarnessTests
{
    [Theory]
    [MemberData(nameof(PluginHarnessTests.BothWays), MemberType = typeof(PluginHarnessTests))]
    public async Task Commands_run_in_this_process_or_in_a_plugin_host_child(PluginIsolation isolation)
    {
        await using var harness = PluginHarness.Load(BuiltPlugins.Folder("probe"), isolation: isolation);

        var result = await harness.RunCommandAsync("probe", "pid");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(isolation, harness.Isolation);
        Assert.Equal(isolation == PluginIsolation.InProcess, int.Parse(result.Output, CultureInfo.InvariantCulture) == Environment.ProcessId);
    }

    [Theory]
    [InlineData("segv", "killed by signal 11 (SIGSEGV)")]
    [InlineData("thread-pool", "killed by signal 6 (SIGABRT)")]
    [InlineData("failfast", "killed by signal 6 (SIGABRT)")]
    [InlineData("exit", "exited with code 42")]
    public async Task A_child_that_dies_fails_the_command_with_how_it_died_and_the_test_process_lives_on(string how, string death)
    {
        await using var harness = PluginHarness.Load(BuiltPlugins.Folder("probe"), isolation: PluginIsolation.Process);
        var pid = int.Parse((await harness.RunCommandAsync("probe", "pid")).Output, CultureInfo.InvariantCulture);

        var crashed = await harness.RunCommandAsync("probe", "crash", how);
        var later = await harness.RunCommandAsync("probe", "echo", "x");

        Assert.Equal(1, crashed.ExitCode);
        Assert.Equal($"framework probe crash: plugin 'probe' could not finish the command: the plugin-host child (pid {pid}) {death}.", crashed.Error.Trim());
        Assert.Equal(1, later.ExitCode);
        Assert.Equal($"framework probe echo: plugin 'probe' could not finish the command: the plugin-host child (pid {pid}) {death}.", later.Error.Trim());
        var health = await Assert.ThrowsAsync<PluginHostUnavailableException>(() => harness.CheckHealthAsync());
        Assert.Equal($"the plugin-host child (pid {pid}) {death}.", health.Message);
    }

    [Fact]
    public async Task A_job_whose_child_died_fails_with_how_it_died()
    {
        await using var harness = PluginHarness.Load(BuiltPlugins.Folder("probe"), isolation: PluginIsolation.Process);
        var pid = int.Parse((await harness.RunCommandAsync("probe", "pid")).Output, CultureInfo.InvariantCulture);
        await harness.RunCommandAsync("probe", "crash", "exit");

        var error = await Assert.ThrowsAsync<PluginHostUnavailableException>(() => harness.RunJobAsync("emit"));

        Assert.Equal($"plugin 'probe' could not finish job 'emit': the plugin-host child (pid {pid}) exited with code 42.", error.Message);
    }

    [Fact]
    public async Task Out_of_process_the_plugin_services_and_lifetime_are_the_child_s_and_say_so()
    {
        await using var harness = PluginHarness.Load(BuiltPlugins.Folder("sample"), isolation: PluginIsolation.Process);

        var services = Assert.Throws<InvalidOperationException>(() => harness.Services);
        Assert.Throws<InvalidOperationException>(() => harness.StopRequested);

        Assert.Equal("Services is not available: plugin sample runs out of process, in its plugin-host child; drive it through commands, jobs, health and telemetry, or load it with PluginIsolation.InProcess.", services.Message);
    }

    [Fact]
    public async Task Out_of_process_stop_ends_the_child_as_the_host_stop_does()
    {
        await using var harness = PluginHarness.Load(BuiltPlugins.Folder("sample"), [new("Plugins:sample:Greeting", "Hi")], PluginIsolation.Process);
        await harness.StartAsync();

        await harness.StopAsync();
        var after = await harness.RunCommandAsync("sample", "greet", "Ann");

        Assert.Contains(harness.Logs, l => l.Message == "sample service started");
        Assert.Equal(1, after.ExitCode);
        Assert.Matches(@"^framework sample greet: plugin 'sample' could not finish the command: the plugin-host child \(pid \d+\) exited with code 0\.$", after.Error.Trim());
    }
}

/// <summary>Changes FRAMEWORK_HOST_PATH, which every out-of-process harness reads: runs alone.</summary>
[CollectionDefinition(nameof(HostPathCollection), DisableParallelization = true)]
public sealed class HostPathCollection;

[Collection(nameof(HostPathCollection))]
public sealed class HostExecutableTests
{
    [Fact]
    public void A_missing_framework_executable_is_refused_naming_the_variable_and_the_path()
    {
        var folder = BuiltPlugins.Folder("sample");
        var missing = Path.Combine(Path.GetTempPath(), "no-such-framework", "framework.dll");
        Environment.SetEnvironmentVariable(PluginHostExecutable.PathVariable, missing);
        try
        {
            var error = Assert.Throws<PluginLoadException>(() => PluginHarness.Load(folder, isolation: PluginIsolation.Process));

            Assert.Equal($"plugin sample cannot run out of process: FRAMEWORK_HOST_PATH names {missing}, which does not exist: expected the host's framework.dll or its apphost 'framework'.", error.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PluginHostExecutable.PathVariable, null);
        }
    }

    [Fact]
    public async Task FRAMEWORK_HOST_PATH_names_the_executable_the_child_runs()
    {
        var folder = BuiltPlugins.Folder("probe");
        Environment.SetEnvironmentVariable(PluginHostExecutable.PathVariable, Path.Combine(AppContext.BaseDirectory, "framework.dll"));
        try
        {
            await using var harness = PluginHarness.Load(folder, isolation: PluginIsolation.Process);
            Assert.Equal("x", (await harness.RunCommandAsync("probe", "echo", "x")).Output);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PluginHostExecutable.PathVariable, null);
        }
    }
}
