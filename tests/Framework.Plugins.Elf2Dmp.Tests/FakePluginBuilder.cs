using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Framework.Abstractions;
using Framework.Abstractions.Commands;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Plugins.Elf2Dmp.Tests;

public sealed class FakePluginBuilder : IPluginBuilder
{
    public FakePluginBuilder(Dictionary<string, string?> settings, string directory)
    {
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        Plugin = new PluginInfo("elf2dmp", "0.1.0", "1.0.0", directory);
    }

    public PluginInfo Plugin { get; }

    public IServiceCollection Services { get; } = new ServiceCollection();

    public IConfiguration Configuration { get; }

    public List<PluginCommand> Commands { get; } = [];

    public List<PluginJob> Jobs { get; } = [];

    public IPluginBuilder AddOptions<TOptions>(string? sectionPath = null)
        where TOptions : class
    {
        Services.AddOptions<TOptions>().Bind(sectionPath is null ? Configuration : Configuration.GetSection(sectionPath));
        return this;
    }

    public IPluginBuilder AddCommand(PluginCommand command)
    {
        Commands.Add(command);
        return this;
    }

    public IPluginBuilder AddJob(PluginJob job)
    {
        Jobs.Add(job);
        return this;
    }

    public IPluginBuilder AddHealthCheck(string name, Func<IServiceProvider, IHealthCheck> factory) => this;

    public IPluginBuilder PublishCapability<TCapability>(Func<IServiceProvider, TCapability> factory)
        where TCapability : class => this;

    /// <summary>The provider a host would build: the plugin's services plus the host's allow-list.</summary>
    public ServiceProvider BuildProvider(IPluginTelemetry telemetry)
    {
        Services.AddLogging();
        Services.AddSingleton(Plugin);
        Services.AddSingleton(telemetry);
        Services.AddSingleton(Configuration);
        return Services.BuildServiceProvider();
    }

    public static async Task<(int Code, FakeConsole Console)> RunAsync(PluginCommand verb, IServiceProvider services, string sub, Dictionary<string, IReadOnlyList<string>> values)
    {
        var command = verb.Subcommands.Single(c => c.Name == sub);
        var console = new FakeConsole();
        var code = await command.Handler!(new CommandContext(services, console, values, $"elf2dmp {sub}"), CancellationToken.None);
        return (code, console);
    }
}
