using Framework.EndToEnd.Tests.Infrastructure;
using Framework.Tests.Shared;

namespace Framework.EndToEnd.Tests.Cli;

/// <summary>A one-shot command loads only the plugin whose manifest lists its verb; the commands
/// that need every plugin (plugins list, root help) still see all.</summary>
public sealed class OneShotLoadingTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public OneShotLoadingTests()
    {
        _sandbox.Add("sample");
        _sandbox.Add("misbehaving");
    }

    public void Dispose() => _sandbox.Dispose();

    private string[] Args(params string[] command) =>
        ["--no-bundled-plugins", "--plugins-dir", _sandbox.Root, "--set", "Plugins:misbehaving:Fault=configure-throw", "--set=Plugins:sample:Greeting=Hey", .. command];

    [Fact]
    public async Task A_plugin_verb_loads_only_its_owner()
    {
        var result = await FrameworkProcess.RunAsync(Args("--verbose", "sample", "greet", "you"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Hey, you!", result.Output.Trim());
        Assert.DoesNotContain("misbehaving throws in Configure", result.Error, StringComparison.Ordinal);
        Assert.Contains("Plugin sample 1.0.0: Loading -> Configured", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plugins_list_loads_every_plugin()
    {
        var result = await FrameworkProcess.RunAsync(Args("plugins", "list", "--json"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("misbehaving throws in Configure", result.Output, StringComparison.Ordinal);
        Assert.Contains("\"sample\"", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_verb_no_manifest_lists_is_a_usage_error()
    {
        var result = await FrameworkProcess.RunAsync(Args("nonsense"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nonsense", result.Error, StringComparison.Ordinal);
    }
}
