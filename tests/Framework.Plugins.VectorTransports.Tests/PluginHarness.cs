using Framework.Abstractions;
using Framework.Abstractions.Commands;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Framework.Plugins.VectorTransports.Tests;

/// <summary>A stand-in for the host: runs the plugin's Configure and builds its provider.</summary>
internal sealed class PluginHarness : IPluginBuilder, IPluginTelemetry, IDisposable
{
    public PluginHarness(Dictionary<string, string?>? settings = null)
    {
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();
        Plugin = new PluginInfo("vector-transports", "0.1.0", "1.0.0", AppContext.BaseDirectory);
        Services.AddSingleton(Plugin);
        Services.AddSingleton<IPluginTelemetry>(this);
        Services.AddSingleton(Configuration);
        Services.AddLogging();
        new VectorTransportsPlugin().Configure(this);
        Provider = Services.BuildServiceProvider();
    }

    public PluginInfo Plugin { get; }

    public IServiceCollection Services { get; } = new ServiceCollection();

    public IConfiguration Configuration { get; }

    public List<PluginCommand> Commands { get; } = [];

    public List<PluginJob> Jobs { get; } = [];

    public ServiceProvider Provider { get; }

    public ActivitySource ActivitySource { get; } = new("vector-transports");

    public Meter Meter { get; } = new("vector-transports");

    public IPluginBuilder AddCommand(PluginCommand command)
    {
        Commands.Add(command);
        return this;
    }

    public IPluginBuilder AddHealthCheck(string name, Func<IServiceProvider, IHealthCheck> factory) => this;

    public IPluginBuilder AddJob(PluginJob job)
    {
        Jobs.Add(job);
        return this;
    }

    public IPluginBuilder AddOptions<TOptions>(string? sectionPath = null)
        where TOptions : class
    {
        var section = sectionPath is null ? Configuration : Configuration.GetSection(sectionPath);
        Services.AddOptions<TOptions>().Bind(section);
        return this;
    }

    public IPluginBuilder PublishCapability<TCapability>(Func<IServiceProvider, TCapability> factory)
        where TCapability : class => this;

    public PluginCommand Command(string path)
    {
        var command = Commands.Single();
        foreach (var word in path.Split(' ').Skip(1))
        {
            command = command.Subcommands.Single(c => c.Name == word);
        }

        return command;
    }

    public async Task<(int Exit, FakeConsole Console)> RunAsync(string path, Dictionary<string, string> values, CancellationToken cancellationToken = default)
    {
        var console = new FakeConsole();
        var context = new CommandContext(Provider, console, values.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)[kv.Value]), path);
        var exit = await Command(path).Handler!(context, cancellationToken);
        return (exit, console);
    }

    public void Dispose()
    {
        Provider.Dispose();
        ActivitySource.Dispose();
        Meter.Dispose();
    }
}
