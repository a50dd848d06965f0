using Framework.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Framework.TestPlugins.Misbehaving;

/// <summary>Misbehaves where Plugins:misbehaving:Fault says: configure-throw, configure-hang,
/// start-throw, start-hang, start-slow (starts after 1.5 s, then leaves the marker misbehaving.started),
/// stop-throw, stop-hang, degraded (its health check answers Degraded), or leak (roots itself so it
/// cannot unload).</summary>
public sealed class MisbehavingPlugin : IPlugin
{
    public void Configure(IPluginBuilder builder)
    {
        var fault = builder.Configuration["Fault"] ?? string.Empty;
        switch (fault)
        {
            case "configure-throw":
                throw new InvalidOperationException("misbehaving throws in Configure");
            case "configure-hang":
                Thread.Sleep(TimeSpan.FromMinutes(5));
                break;
            case "leak":
                AppDomain.CurrentDomain.ProcessExit += Leak.OnExit;
                break;
            case "degraded":
                builder.AddHealthCheck("misbehaving", _ => new DegradedHealth());
                break;
        }

        builder.Services.AddSingleton(new Fault(fault));
        builder.Services.AddHostedService<MisbehavingService>();
    }
}

public sealed record Fault(string Kind);

public sealed class DegradedHealth : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Degraded("misbehaving is degraded on purpose"));
}

internal static class Leak
{
    internal static void OnExit(object? sender, EventArgs e)
    {
    }
}

public sealed class MisbehavingService(Fault fault) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (fault.Kind == "start-throw")
        {
            throw new InvalidOperationException("misbehaving throws in start");
        }

        if (fault.Kind == "start-hang")
        {
            await Task.Delay(TimeSpan.FromMinutes(5), CancellationToken.None);
        }

        if (fault.Kind == "start-slow")
        {
            // Starts late but within the timeout, then says so on disk: a start-up order witness.
            await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken);
            if (Environment.GetEnvironmentVariable("FRAMEWORK_TEST_MARKER_DIR") is { Length: > 0 } markers)
            {
                await File.WriteAllTextAsync(Path.Combine(markers, "misbehaving.started"), "started", cancellationToken);
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (fault.Kind == "stop-throw")
        {
            throw new InvalidOperationException("misbehaving throws in stop");
        }

        if (fault.Kind == "stop-hang")
        {
            await Task.Delay(TimeSpan.FromMinutes(5), CancellationToken.None);
        }
    }
}
