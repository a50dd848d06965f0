using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Framework.Plugins.Elf2Dmp.Spool;

/// <summary>The hosted service that polls the spool folder and hands settled dumps to the
/// <see cref="SpoolProcessor"/>, one at a time, until the host stops.</summary>
public sealed partial class SpoolWatcher : BackgroundService
{
    private readonly SpoolProcessor _processor;
    private readonly SpoolOptions _options;
    private readonly ILogger<SpoolWatcher> _logger;

    /// <summary>Creates the watcher.</summary>
    public SpoolWatcher(SpoolProcessor processor, IOptions<SpoolOptions> options, ILogger<SpoolWatcher> logger)
    {
        _processor = processor;
        _options = options.Value;
        _logger = logger;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        LogWatching(_processor.Folder, _processor.OutputFolder);
        using var timer = new PeriodicTimer(_options.PollInterval);
        do
        {
            try
            {
                await _processor.ProcessPendingAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A folder that vanished, a file still locked, anything unexpected: the watcher must not
                // die (and take the host with it); report it and look again next time.
                LogSpoolError(ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Watching spool folder {Folder}; dumps go to {Output}")]
    private partial void LogWatching(string folder, string output);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Spool folder error: {Reason}")]
    private partial void LogSpoolError(string reason);
}
