using Framework.Abstractions;
using Framework.Abstractions.Commands;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Testing.Isolation;

/// <summary>Where the plugin under test runs (in the test process, or in a plugin-host child): what
/// <see cref="PluginHarness"/> drives in either mode.</summary>
internal interface IPluginUnderTest : IAsyncDisposable
{
    /// <summary>The top-level commands, with handlers that run the plugin's code wherever it is.</summary>
    IReadOnlyList<PluginCommand> Commands { get; }

    /// <summary>The jobs, with work that runs wherever the plugin is.</summary>
    IReadOnlyList<PluginJob> Jobs { get; }

    /// <summary>The names of the health checks.</summary>
    IReadOnlyList<string> HealthChecks { get; }

    /// <summary>The container a command's context carries.</summary>
    IServiceProvider CommandServices { get; }

    /// <summary>Makes a capability visible to the plugin, as if plugin <paramref name="pluginId"/> published it.</summary>
    void AddCapability(string pluginId, Type type, object capability);

    /// <summary>A capability the plugin published, or one added with <see cref="AddCapability"/>.</summary>
    TCapability? GetCapability<TCapability>()
        where TCapability : class;

    Task StartAsync(CancellationToken cancellationToken);

    Task StopAsync(CancellationToken cancellationToken);

    Task<IReadOnlyDictionary<string, HealthCheckResult>> CheckHealthAsync(CancellationToken cancellationToken);
}
