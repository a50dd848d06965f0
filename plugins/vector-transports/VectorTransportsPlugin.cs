using Framework.Abstractions;
using Framework.Plugins.VectorTransports.Bridge;
using Framework.Plugins.VectorTransports.Cli;
using Framework.Plugins.VectorTransports.Jobs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Framework.Plugins.VectorTransports;

/// <summary>
/// Entry point of the vector-transports plugin: UML's vector network transports (tap, hybrid, raw,
/// gre, l2tpv3, bess, plus unix datagrams) with UML's option strings, batched I/O, socket filters, and
/// a bridge service that joins two transports. Registers the options (<c>Plugins:vector-transports</c>),
/// the bridge service for <c>Bridges</c>, the <c>vector</c> CLI verb, and the sample-traffic job when
/// <c>SampleTraffic:Enabled</c> is true.
/// </summary>
public sealed class VectorTransportsPlugin : IPlugin
{
    /// <inheritdoc />
    public void Configure(IPluginBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddOptions<VectorTransportsOptions>();
        builder.Services.AddSingleton<BridgeRegistry>();
        builder.Services.AddSingleton<BridgeMetrics>();
        // The bridge service only when bridges are configured: an idle hosted service still costs
        // every 'run' its construction and start (no ReadyToRun code in a collectible context).
        if (builder.Configuration.GetSection("Bridges").GetChildren().Any())
        {
            builder.Services.AddHostedService<BridgeHostedService>();
        }

        builder.AddCommand(VectorCommands.Create());
        builder.AddHealthCheck("bridges", services => new BridgeHealthCheck(services.GetRequiredService<BridgeRegistry>()));
        if (bool.TryParse(builder.Configuration["SampleTraffic:Enabled"], out var sample) && sample)
        {
            builder.AddJob(SampleTrafficJob.Create());
        }
    }
}
