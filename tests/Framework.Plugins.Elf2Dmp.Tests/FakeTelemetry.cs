using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Framework.Abstractions;
using Framework.Abstractions.Commands;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Plugins.Elf2Dmp.Tests;

public sealed class FakeTelemetry : IPluginTelemetry, IDisposable
{
    public ActivitySource ActivitySource { get; } = new("elf2dmp-test-" + Guid.NewGuid().ToString("N"));

    public Meter Meter { get; } = new("elf2dmp-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        ActivitySource.Dispose();
        Meter.Dispose();
    }
}
