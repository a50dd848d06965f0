using Framework.Abstractions;
using Framework.Plugins.Elf2Dmp.Cli;
using Framework.Plugins.Elf2Dmp.Conversion;
using Framework.Plugins.Elf2Dmp.Dump;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Framework.Plugins.Elf2Dmp.Sample;

/// <summary>
/// The bundled default: converts <c>Sample/guest.elf</c> (a synthetic Windows-like guest written by the
/// test generator, with CPU 0 in user mode under KVA shadowing and an encoded KDBG) using the PDB in
/// <c>Sample/symbols</c>, then inspects the dump it wrote, so a new user sees the tool work without a VM.
/// </summary>
public static class SampleJob
{
    /// <summary>The job's name.</summary>
    public const string Name = "convert-sample";

    /// <summary>Creates the job.</summary>
    public static PluginJob Create() => new(Name, "Convert the bundled sample QEMU dump to a crash dump and inspect it.", RunAsync);

    /// <summary>Runs the job with the plugin's services; returns the dump written.</summary>
    public static async Task<string> ConvertSampleAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var info = services.GetRequiredService<PluginInfo>();
        var options = services.GetRequiredService<IOptions<SampleOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Framework.Plugins.Elf2Dmp.Sample");
        var telemetry = services.GetRequiredService<ConversionTelemetry>();
        var sample = Path.Combine(info.Directory, "Sample");
        var input = Path.Combine(sample, "guest.elf");
        var folder = string.IsNullOrWhiteSpace(options.OutputFolder) ? Path.Combine(Path.GetTempPath(), "framework-elf2dmp-sample") : options.OutputFolder;
        Directory.CreateDirectory(folder);
        var output = Path.Combine(folder, "guest.dmp");
        var console = new LoggerConsole(logger);

        using var activity = telemetry.StartConversion(input, output);
        var result = await new DumpConverter().ConvertAsync(input, output,
            new ConversionOptions { SymbolPath = Path.Combine(sample, "symbols") },
            telemetry.StageSpans(new MessageLogger(console)), cancellationToken);
        telemetry.Record(true, result.BytesWritten, result.Duration);
        console.Out.WriteLine($"Wrote {result.BytesWritten} bytes to {result.OutputPath} in {result.Duration.TotalSeconds:F2} s");

        using var dump = DumpFile.Open(output);
        InspectCommand.Write(console, dump, [result.KernelBase, Kernel.KuserSharedData.Address]);
        return output;
    }

    private static Task RunAsync(IServiceProvider services, CancellationToken cancellationToken) => ConvertSampleAsync(services, cancellationToken);

    private sealed class MessageLogger(LoggerConsole console) : ConversionObserver
    {
        public override void Message(string text) => console.Out.WriteLine(text);
    }
}
