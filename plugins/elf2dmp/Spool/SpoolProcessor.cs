using System.Diagnostics;
using Framework.Plugins.Elf2Dmp.Conversion;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Framework.Plugins.Elf2Dmp.Spool;

/// <summary>
/// Converts the dumps waiting in the spool folder, one at a time: a settled <c>*.elf</c> becomes
/// <c>OutputFolder/&lt;name&gt;.dmp</c>, and the input moves to <c>done/</c>, or to <c>failed/</c> next to a
/// <c>&lt;name&gt;.error.txt</c> saying why. Each conversion is a span with a child span per stage and
/// is counted in the metrics. Not thread-safe: the watcher calls it from one loop.
/// </summary>
public sealed partial class SpoolProcessor
{
    private readonly SpoolOptions _options;
    private readonly Elf2DmpOptions _pluginOptions;
    private readonly ConversionTelemetry _telemetry;
    private readonly ILogger<SpoolProcessor> _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the processor.</summary>
    public SpoolProcessor(IOptions<SpoolOptions> options, IOptions<Elf2DmpOptions> pluginOptions, ConversionTelemetry telemetry, ILogger<SpoolProcessor> logger, TimeProvider? time = null)
    {
        _options = options.Value;
        _pluginOptions = pluginOptions.Value;
        _telemetry = telemetry;
        _logger = logger;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The spool folder.</summary>
    public string Folder => _options.Folder ?? throw new InvalidOperationException("Plugins:elf2dmp:Spool:Folder is not set.");

    /// <summary>Where dumps are written.</summary>
    public string OutputFolder => string.IsNullOrWhiteSpace(_options.OutputFolder) ? Path.Combine(Folder, "dmp") : _options.OutputFolder;

    /// <summary>Converts every settled dump present now; returns how many were taken.</summary>
    public async Task<int> ProcessPendingAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Folder);
        var now = _time.GetUtcNow().UtcDateTime;
        var ready = new DirectoryInfo(Folder).GetFiles("*.elf")
            .Where(f => now - f.LastWriteTimeUtc >= _options.SettleTime)
            .OrderBy(f => f.LastWriteTimeUtc)
            .ToList();
        foreach (var file in ready)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await ConvertOneAsync(file.FullName, cancellationToken);
        }

        return ready.Count;
    }

    private async Task ConvertOneAsync(string input, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(OutputFolder);
        var output = Path.Combine(OutputFolder, Path.GetFileNameWithoutExtension(input) + ".dmp");
        using var activity = _telemetry.StartConversion(input, output);
        var watch = Stopwatch.StartNew();
        LogStarted(input, output);
        try
        {
            var result = await new DumpConverter().ConvertAsync(input, output,
                new ConversionOptions { SymbolPath = _pluginOptions.SymbolPath }, _telemetry.StageSpans(), cancellationToken);
            activity?.SetTag("elf2dmp.bytes", result.BytesWritten);
            activity?.SetTag("elf2dmp.kernel_base", $"0x{result.KernelBase:x16}");
            activity?.SetTag("elf2dmp.pdb_key", result.CodeView.SymbolStoreKey);
            _telemetry.Record(true, result.BytesWritten, watch.Elapsed);
            LogConverted(input, output, result.BytesWritten, watch.Elapsed.TotalSeconds);
            MoveTo(input, "done");
        }
        catch (Elf2DmpException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            _telemetry.Record(false, 0, watch.Elapsed, ex.Error.ToString());
            LogFailed(input, ex.Error, ex.Message);
            var failed = MoveTo(input, "failed");
            await File.WriteAllTextAsync(Path.ChangeExtension(failed, ".error.txt"), ex.Message + Environment.NewLine, CancellationToken.None);
        }
    }

    private string MoveTo(string input, string subfolder)
    {
        var folder = Path.Combine(Folder, subfolder);
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, Path.GetFileName(input));
        File.Move(input, target, overwrite: true);
        return target;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Converting {Input} to {Output}")]
    private partial void LogStarted(string input, string output);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Converted {Input} to {Output}: {Bytes} bytes in {Seconds:F2} s")]
    private partial void LogConverted(string input, string output, long bytes, double seconds);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Conversion of {Input} failed ({Error}): {Reason}")]
    private partial void LogFailed(string input, Elf2DmpError error, string reason);
}
