using Framework.Abstractions.Commands;
using Framework.Host.Cli;
using Framework.Host.Configuration;
using Framework.Host.Lifecycle;
using Framework.Host.Telemetry;
using Framework.Tests.Shared;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Framework.Benchmarks.Isolation;

/// <summary>A test plugin ("probe" unless told) loaded by the host's own plugin manager, in process or
/// in a plugin-host child (<c>Host:Isolation:&lt;id&gt;</c>), with probe's <c>probe echo</c> command at hand.</summary>
internal sealed class PluginFixture : IAsyncDisposable
{
    private readonly PluginSandbox _sandbox;
    private readonly HostTelemetry _telemetry = new();
    private readonly HostLifetime _lifetime = new();
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();
    private readonly PluginCommand? _echo;
    private readonly IServiceProvider _services;
    private readonly SpectreCommandConsole _console;
    private readonly Dictionary<string, IReadOnlyList<string>> _values = new() { ["text"] = ["ping"] };

    private PluginFixture(PluginSandbox sandbox, PluginManager manager, string pluginId)
    {
        _sandbox = sandbox;
        Manager = manager;
        _services = manager.Plugins.Single(p => p.Id == pluginId).Services!;
        _echo = manager.Commands.FirstOrDefault(c => c.Command.Name == "probe").Command?.Subcommands.Single(c => c.Name == "echo");
        _console = new SpectreCommandConsole(_output, _error, interactive: false);
    }

    public PluginManager Manager { get; }

    public PluginRuntime Probe => Manager.Plugins.Single(p => p.Id == "probe");

    public static PluginFixture Load(string isolation, string pluginId = "probe")
    {
        var sandbox = new PluginSandbox();
        sandbox.Add(pluginId);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Host:LoadBundledPlugins"] = "false",
            ["Host:PluginPaths:0"] = sandbox.Root,
            [$"Host:Isolation:{pluginId}"] = isolation,
            ["Host:Timeouts:Configure"] = "00:00:30",
        }).Build();
        var manager = new PluginManager(FrameworkApplication.BindOptions(configuration), configuration, NullLoggerFactory.Instance, new HostTelemetry(), new HostLifetime(), unloadable: false);
        manager.Discover();
        manager.LoadAll();
        return manager.Plugins.Single(p => p.Id == pluginId).State == PluginState.Configured
            ? new PluginFixture(sandbox, manager, pluginId)
            : throw new InvalidOperationException($"{pluginId} did not load {isolation}: {manager.Plugins.Single(p => p.Id == pluginId).StateReason}");
    }

    /// <summary>One <c>probe echo ping</c>, through the command's handler as the CLI calls it.</summary>
    public async Task<int> EchoAsync()
    {
        _output.GetStringBuilder().Clear();
        var exitCode = await _echo!.Handler!(new CommandContext(_services, _console, _values, "probe echo"), CancellationToken.None);
        return exitCode == 0 && _output.GetStringBuilder().Length == 4 ? exitCode : throw new InvalidOperationException($"probe echo gave {exitCode} '{_output}' '{_error}'");
    }

    public async ValueTask DisposeAsync()
    {
        await Manager.DisposeAsync();
        _telemetry.Dispose();
        _lifetime.Dispose();
        _sandbox.Dispose();
    }
}
