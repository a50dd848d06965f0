using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Framework.Plugins.Elf2Dmp.Spool;

/// <summary>Healthy when the watcher is off, or when its spool folder exists and can be listed.</summary>
public sealed class SpoolHealthCheck : IHealthCheck
{
    private readonly SpoolOptions _options;

    /// <summary>Creates the check.</summary>
    public SpoolHealthCheck(IOptions<SpoolOptions> options) => _options = options.Value;

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!_options.Enabled)
        {
            return Task.FromResult(HealthCheckResult.Healthy("spool watcher disabled"));
        }

        try
        {
            var pending = Directory.Exists(_options.Folder) ? Directory.GetFiles(_options.Folder!, "*.elf").Length : -1;
            return Task.FromResult(pending < 0
                ? HealthCheckResult.Degraded($"spool folder {_options.Folder} does not exist yet")
                : HealthCheckResult.Healthy($"{pending} dump(s) waiting in {_options.Folder}"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"spool folder {_options.Folder}: {ex.Message}", ex));
        }
    }
}
