using Framework.Abstractions;
using Framework.Abstractions.Commands;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Host.Lifecycle;

/// <summary>Collects what a plugin registers during <see cref="IPlugin.Configure"/>.</summary>
internal sealed class PluginBuilder(PluginInfo plugin, IConfiguration configuration) : IPluginBuilder
{
    private bool _sealed;

    public PluginInfo Plugin { get; } = plugin;

    public IServiceCollection Services { get; } = new ServiceCollection();

    public IConfiguration Configuration { get; } = configuration;

    public List<PluginCommand> Commands { get; } = [];

    public List<PluginJob> Jobs { get; } = [];

    public List<(string Name, Func<IServiceProvider, IHealthCheck> Factory)> HealthChecks { get; } = [];

    public List<(Type Type, Func<IServiceProvider, object> Factory)> Capabilities { get; } = [];

    public List<Type> OptionsTypes { get; } = [];

    public IPluginBuilder AddOptions<TOptions>(string? sectionPath = null)
        where TOptions : class
    {
        EnsureOpen();
        var section = sectionPath is null ? Configuration : Configuration.GetSection(sectionPath);
        var path = sectionPath is null ? $"Plugins:{Plugin.Id}" : $"Plugins:{Plugin.Id}:{sectionPath}";
        Services.AddOptions<TOptions>().Bind(section);
        Services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<TOptions>>(new PluginOptionsValidator<TOptions>(path));
        OptionsTypes.Add(typeof(TOptions));
        return this;
    }

    public IPluginBuilder AddCommand(PluginCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        EnsureOpen();
        if (Commands.Any(c => c.Name == command.Name))
        {
            throw new InvalidOperationException($"plugin '{Plugin.Id}' adds the command '{command.Name}' twice.");
        }

        Commands.Add(command);
        return this;
    }

    public IPluginBuilder AddJob(PluginJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        EnsureOpen();
        if (Jobs.Any(j => j.Name == job.Name))
        {
            throw new InvalidOperationException($"plugin '{Plugin.Id}' adds the job '{job.Name}' twice.");
        }

        Jobs.Add(job);
        return this;
    }

    public IPluginBuilder AddHealthCheck(string name, Func<IServiceProvider, IHealthCheck> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        EnsureOpen();
        if (HealthChecks.Any(h => h.Name == name))
        {
            throw new InvalidOperationException($"plugin '{Plugin.Id}' adds the health check '{name}' twice.");
        }

        HealthChecks.Add((name, factory));
        return this;
    }

    public IPluginBuilder PublishCapability<TCapability>(Func<IServiceProvider, TCapability> factory)
        where TCapability : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        EnsureOpen();
        var type = typeof(TCapability);
        if (!type.IsInterface || type.Assembly != typeof(IPlugin).Assembly)
        {
            throw new InvalidOperationException(
                $"plugin '{Plugin.Id}' publishes {type.FullName}: a capability must be an interface defined in Framework.Abstractions, so that other plugins can use it without referencing '{Plugin.Id}'.");
        }

        Capabilities.Add((type, sp => factory(sp)));
        return this;
    }

    /// <summary>After Configure returns, further registrations are refused.</summary>
    public void Seal() => _sealed = true;

    private void EnsureOpen()
    {
        if (_sealed)
        {
            throw new InvalidOperationException($"plugin '{Plugin.Id}' used its builder after Configure returned.");
        }
    }
}
