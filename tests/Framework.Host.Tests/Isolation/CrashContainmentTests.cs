using Framework.Host.Isolation.Parent;
using Framework.Tests.Shared;

namespace Framework.Host.Tests.Isolation;

public sealed class CrashContainmentTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Theory]
    [InlineData("segv", "killed by signal 11 (SIGSEGV)")]
    [InlineData("thread-pool", "killed by signal 6 (SIGABRT)")]
    [InlineData("failfast", "killed by signal 6 (SIGABRT)")]
    [InlineData("exit", "exited with code 42")]
    public async Task A_child_that_dies_fails_its_in_flight_command_with_how_it_died_and_the_host_lives_on(string how, string death)
    {
        await using var child = await ProbeChild.StartAsync(ProbeChild.AddProbe(_sandbox, "probe"));
        var e = await Assert.ThrowsAsync<PluginHostUnavailableException>(() => ProbeChild.RunAsync(child, "probe crash", "how", how));

        Assert.Equal($"the plugin-host child (pid {child.ProcessId}) {death}.", e.Message);
        Assert.Equal(e.Message, child.Connection.EndedBecause);
        var later = await Assert.ThrowsAsync<PluginHostUnavailableException>(() => ProbeChild.RunAsync(child, "probe echo", "text", "x"));
        Assert.Equal(e.Message, later.Message);

        // A new child for the same plugin serves again: the host process was never touched.
        await using var restarted = await ProbeChild.StartAsync(ProbeChild.AddProbe(_sandbox, "probe-again"));
        Assert.Equal("x", (await ProbeChild.RunAsync(restarted, "probe echo", "text", "x")).Output);
    }

    [Fact]
    public async Task A_hung_child_killed_by_the_host_fails_its_command_with_the_reason()
    {
        await using var child = await ProbeChild.StartAsync(ProbeChild.AddProbe(_sandbox, "probe"));
        var hung = ProbeChild.RunAsync(child, "probe crash", "how", "hang");
        await Task.Delay(200);
        child.Kill("did not answer health within 1 s (Host:Timeouts:Health); killed.");

        var e = await Assert.ThrowsAsync<PluginHostUnavailableException>(() => hung);
        Assert.Equal("did not answer health within 1 s (Host:Timeouts:Health); killed.", e.Message);
        Assert.Equal(128 + 9, await child.Exited.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}
