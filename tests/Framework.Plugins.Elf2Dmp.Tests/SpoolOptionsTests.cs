using Framework.Plugins.Elf2Dmp.Spool;
using Microsoft.Extensions.Options;

namespace Framework.Plugins.Elf2Dmp.Tests;

public sealed class SpoolOptionsTests
{
    [Fact]
    public void An_enabled_watcher_needs_a_folder()
    {
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        var enabled = new SpoolOptions { Enabled = true };
        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(enabled, new(enabled), results, validateAllProperties: true));
        Assert.Contains("Spool:Folder", Assert.Single(results).ErrorMessage, StringComparison.Ordinal);
        var disabled = new SpoolOptions();
        Assert.True(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(disabled, new(disabled), [], validateAllProperties: true));
    }

    [Fact]
    public async Task The_health_check_reports_the_spool_folder()
    {
        using var folder = new TestFolder();
        File.WriteAllBytes(folder.File("a.elf"), []);
        var context = new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext();

        var off = await new SpoolHealthCheck(Options.Create(new SpoolOptions())).CheckHealthAsync(context);
        var on = await new SpoolHealthCheck(Options.Create(new SpoolOptions { Enabled = true, Folder = folder.Path })).CheckHealthAsync(context);
        var missing = await new SpoolHealthCheck(Options.Create(new SpoolOptions { Enabled = true, Folder = folder.File("nope") })).CheckHealthAsync(context);

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, off.Status);
        Assert.Contains("1 dump(s) waiting", on.Description, StringComparison.Ordinal);
        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded, missing.Status);
    }
}
