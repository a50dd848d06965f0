using Framework.Abstractions.Commands;
using Framework.Host.Discovery;
using Framework.Host.Lifecycle;
using Framework.Host.Tests.Infrastructure;
using Framework.Tests.Shared;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Tests.Isolation;

/// <summary>A plugin with isolation 'process' through the host's own lifecycle: loaded, its commands
/// run in the child, a crash faults it with the signal and a restart brings it back.</summary>
public sealed class ProcessPluginLifecycleTests : IDisposable
{
    private static readonly Dictionary<string, string?> Settings = new() { ["Host:Timeouts:Configure"] = "00:00:30", ["Host:Timeouts:Start"] = "00:00:30" };

    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private static async Task<(int ExitCode, string Output)> RunAsync(TestHost host, string sub, string? argumentName = null, string? argument = null)
    {
        var (plugin, probe) = host.Manager.Commands.Single(c => c.Command.Name == "probe");
        var command = probe.Subcommands.Single(c => c.Name == sub);
        var console = new StringCommandConsole();
        var values = argumentName is null ? new Dictionary<string, IReadOnlyList<string>>() : new Dictionary<string, IReadOnlyList<string>> { [argumentName] = [argument!] };
        var exitCode = await command.Handler!(new CommandContext(plugin.Services!, console, values, $"probe {sub}"), CancellationToken.None);
        return (exitCode, console.Out.ToString()!.Trim());
    }

    [Fact]
    public async Task A_plugin_declared_process_runs_in_a_child_and_its_commands_answer_from_there()
    {
        _sandbox.Add("probe");
        await using var host = TestHost.Create(_sandbox, Settings);
        host.Manager.Discover();
        host.Manager.LoadAll();

        var plugin = host.Plugin("probe");
        Assert.Equal((PluginIsolation.Process, "manifest"), (plugin.Isolation!.Isolation, plugin.Isolation.Source));
        Assert.Equal(PluginState.Configured, plugin.State);
        Assert.Empty(plugin.LoadedAssemblies);
        Assert.Equal((0, "hello"), await RunAsync(host, "echo", "text", "hello"));
        var (_, pid) = await RunAsync(host, "pid");
        Assert.NotEqual(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), pid);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Unloading_at_run_time_stops_the_child_cleanly_reports_it_and_releases_it(bool started)
    {
        _sandbox.Add("probe");
        await using var host = TestHost.Create(_sandbox, Settings);
        host.Manager.Discover();
        host.Manager.LoadAll();
        if (started)
        {
            await host.Manager.StartAllAsync(CancellationToken.None);
        }

        var plugin = host.Plugin("probe");
        var (_, pid) = await RunAsync(host, "pid");
        var socketFolder = plugin.OutOfProcess!.Child!.SocketFolder;
        Assert.True(Directory.Exists(socketFolder));

        var released = await host.Manager.UnloadAsync(plugin, CancellationToken.None);

        Assert.True(released);
        Assert.Equal(PluginState.Unloaded, plugin.State);
        var outcome = $"its plugin-host child (pid {pid}) stopped: exited with code 0.";
        Assert.Equal(outcome, plugin.StateReason);
        Assert.True(host.Logs.Contains(LogLevel.Information, $"Plugin probe: {outcome}"), string.Join(Environment.NewLine, host.Logs.Entries.Select(e => $"{e.Level} {e.Message}")));
        Assert.False(Directory.Exists($"/proc/{pid}"), $"the child {pid} is still there");
        Assert.Empty(host.Manager.Commands);
        Assert.Null(plugin.Services);

        Assert.False(Directory.Exists(socketFolder), $"the child's socket folder {socketFolder} is still there");
        Assert.Null(plugin.OutOfProcess);
        Assert.True(await host.Manager.UnloadAsync(plugin, CancellationToken.None), "a second unload finds nothing left to release");
    }

    [Fact]
    public async Task A_child_that_segfaults_faults_the_plugin_with_the_signal_and_is_restarted()
    {
        _sandbox.Add("probe");
        await using var host = TestHost.Create(_sandbox, Settings);
        host.Manager.Discover();
        host.Manager.LoadAll();
        await host.Manager.StartAllAsync(CancellationToken.None);
        var plugin = host.Plugin("probe");
        Assert.Equal(PluginState.Running, plugin.State);
        var (_, firstPid) = await RunAsync(host, "pid");

        var e = await Assert.ThrowsAsync<CommandFailedException>(() => RunAsync(host, "crash", "how", "segv"));
        Assert.Equal($"plugin 'probe' could not finish the command: the plugin-host child (pid {firstPid}) killed by signal 11 (SIGSEGV).", e.Message);

        // The command fails as soon as the socket closes; the fault and the restart follow.
        var expected = $"Plugin probe: the plugin-host child (pid {firstPid}) killed by signal 11 (SIGSEGV).";
        var restarted = $"Plugin probe 1.0.0: Faulted -> Running";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!host.Logs.Contains(LogLevel.Information, restarted) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(host.Logs.Contains(LogLevel.Error, expected), string.Join(Environment.NewLine, host.Logs.Entries.Select(e => $"{e.Level} {e.Message}")));
        Assert.True(host.Logs.Contains(LogLevel.Information, restarted), string.Join(Environment.NewLine, host.Logs.Entries.Select(e => $"{e.Level} {e.Message}")));
        Assert.Equal(PluginState.Running, plugin.State);
        var (_, secondPid) = await RunAsync(host, "pid");
        Assert.NotEqual(firstPid, secondPid);
        Assert.Equal((0, "again"), await RunAsync(host, "echo", "text", "again"));
    }

    [Fact]
    public async Task A_child_that_stops_answering_is_killed_after_the_health_timeout_and_its_in_flight_command_fails_saying_so()
    {
        _sandbox.Add("probe");
        var settings = new Dictionary<string, string?>(Settings) { ["Host:Timeouts:HealthCheck"] = "00:00:01" };
        await using var host = TestHost.Create(_sandbox, settings);
        host.Manager.Discover();
        host.Manager.LoadAll();
        await host.Manager.StartAllAsync(CancellationToken.None);
        var plugin = host.Plugin("probe");
        var (_, pid) = await RunAsync(host, "pid");

        // SIGSTOP: the child is alive but answers nothing, not even health.
        using (var stop = System.Diagnostics.Process.Start("kill", ["-STOP", pid]))
        {
            await stop.WaitForExitAsync();
        }

        var inFlight = RunAsync(host, "echo", "text", "lost");
        var (_, factory) = Assert.Single(host.Manager.HealthChecksOf(plugin));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var health = await factory(plugin.Services!).CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext());
        var expected = $"the plugin-host child (pid {pid}) did not answer health within 1 s (Host:Timeouts:HealthCheck) and was killed.";

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, health.Status);
        Assert.Equal(expected, health.Description);
        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
        var e = await Assert.ThrowsAsync<CommandFailedException>(() => inFlight);
        Assert.Equal($"plugin 'probe' could not finish the command: {expected}", e.Message);

        // Killed, then restarted like a crashed child.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!host.Logs.Contains(LogLevel.Information, "Plugin probe 1.0.0: Faulted -> Running") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(PluginState.Running, plugin.State);
        var (_, newPid) = await RunAsync(host, "pid");
        Assert.NotEqual(pid, newPid);
        Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(" Z ", StringComparison.Ordinal), $"pid {pid} still runs");
    }

    [Fact]
    public async Task A_plugins_jobs_are_described_by_the_child_and_run_there_and_fail_clearly_when_it_is_gone()
    {
        _sandbox.Add("probe");
        await using var host = TestHost.Create(_sandbox, Settings);
        host.Manager.Discover();
        host.Manager.LoadAll();
        await host.Manager.StartAllAsync(CancellationToken.None);
        var (plugin, job) = Assert.Single(host.Manager.Jobs);
        Assert.Equal(("probe", "emit", "A span, a counter, and logs at three levels in a scope."), (plugin.Id, job.Name, job.Description));

        await job.Run(plugin.Services!, CancellationToken.None);
        Assert.True(host.Logs.Contains(LogLevel.Warning, "probe warns about 3 things"), string.Join(Environment.NewLine, host.Logs.Entries.Select(e => $"{e.Level} {e.Message}")));

        var (_, pid) = await RunAsync(host, "pid");
        var crash = RunAsync(host, "crash", "how", "exit");
        await Assert.ThrowsAsync<CommandFailedException>(() => crash);
        var e = await Assert.ThrowsAsync<Framework.Host.Isolation.Parent.PluginHostUnavailableException>(() => job.Run(plugin.Services!, CancellationToken.None));
        Assert.StartsWith("plugin 'probe' could not finish job 'emit': ", e.Message, StringComparison.Ordinal);
        Assert.True(e.Message.Contains($"(pid {pid}) exited with code 42", StringComparison.Ordinal) || e.Message.Contains("not running", StringComparison.Ordinal), e.Message);
    }
}
