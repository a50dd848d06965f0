using Framework.Abstractions;
using Framework.Plugins.Elf2Dmp.Cli;
using Framework.Plugins.Elf2Dmp.Conversion;
using Framework.Plugins.Elf2Dmp.Sample;
using Framework.Plugins.Elf2Dmp.Spool;
using Microsoft.Extensions.DependencyInjection;

namespace Framework.Plugins.Elf2Dmp;

/// <summary>
/// Entry point of the elf2dmp plugin: QEMU guest-memory ELF dumps of Windows x64 guests to Windows
/// kernel crash dumps. Registers the <c>elf2dmp</c> CLI verb (convert, inspect), the spool-folder
/// watcher (<c>Plugins:elf2dmp:Spool</c>), and the bundled sample job when <c>Plugins:elf2dmp:Sample:Enabled</c>.
/// </summary>
public sealed class Elf2DmpPlugin : IPlugin
{
    /// <inheritdoc />
    public void Configure(IPluginBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddOptions<Elf2DmpOptions>();
        builder.AddOptions<SpoolOptions>("Spool");
        builder.AddOptions<SampleOptions>("Sample");
        builder.Services.AddSingleton<ConversionTelemetry>();
        builder.Services.AddSingleton<SpoolProcessor>();
        // The watcher only when the spool is on: an idle hosted service still costs every 'run' its
        // construction and start (collectible contexts get no ReadyToRun code, so all of it is JIT).
        if (bool.TryParse(builder.Configuration["Spool:Enabled"], out var spool) && spool)
        {
            builder.Services.AddHostedService<SpoolWatcher>();
        }

        builder.AddCommand(Elf2DmpCommands.Create());
        builder.AddHealthCheck("spool", services => new SpoolHealthCheck(services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SpoolOptions>>()));
        if (bool.TryParse(builder.Configuration["Sample:Enabled"], out var sample) && sample)
        {
            builder.AddJob(SampleJob.Create());
        }
    }
}
