using Framework.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace Acme.Hello;

/// <summary>The plugin's entry point: the host creates it once and calls <see cref="Configure"/>.</summary>
public sealed class Plugin : IPlugin
{
    /// <inheritdoc />
    public void Configure(IPluginBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Bound to the configuration section Plugins:acme-hello, validated when the host starts the plugin.
        builder.AddOptions<GreetingOptions>();
        builder.Services.AddSingleton<Greeter>();
#if (hostedService)
        builder.Services.AddHostedService<HeartbeatService>();
#endif
        builder.AddCommand(GreetCommand.Create());
    }
}
