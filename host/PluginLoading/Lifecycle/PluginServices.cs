using System.Reflection;
using Framework.Abstractions;
using Framework.Abstractions.Capabilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Framework.Host.Lifecycle;

/// <summary>
/// A plugin's own container: its registrations plus the allow-list of host services it may see
/// (logging, its configuration section, its identity and telemetry, the application lifetime,
/// published capabilities, the clock). The host's own container stays private. Used by the host
/// and by Framework.Testing, so a plugin sees the same services under test.
/// </summary>
internal static class PluginServices
{
    public static ServiceProvider Build(
        PluginBuilder builder,
        ILoggerFactory loggerFactory,
        IPluginTelemetry telemetry,
        IHostApplicationLifetime lifetime,
        ICapabilities capabilities)
    {
        IServiceCollection services = new ServiceCollection();
        // Registered through a factory so that the container disposes it with the plugin: the
        // plugin's factory then detaches the logger providers the plugin added (IPluginBuilder.Services).
        services.AddSingleton(_ => loggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton(builder.Configuration);
        services.AddSingleton(builder.Plugin);
        services.AddSingleton(telemetry);
        services.AddSingleton(lifetime);
        services.AddSingleton(capabilities);
        services.AddSingleton(TimeProvider.System);
        services.AddOptions();
        foreach (var descriptor in builder.Services)
        {
            services.Add(descriptor);
        }

        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    /// <summary>Reads every options type the plugin registered, so that binding and validation
    /// failures surface now (as <see cref="OptionsValidationException"/> naming each key).</summary>
    public static void ValidateOptions(PluginBuilder builder, IServiceProvider services)
    {
        foreach (var type in builder.OptionsTypes)
        {
            var options = services.GetRequiredService(typeof(IOptions<>).MakeGenericType(type));
            try
            {
                _ = options.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(options);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            }
        }
    }
}
