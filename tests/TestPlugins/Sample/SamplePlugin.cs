using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Framework.Abstractions;
using Framework.Abstractions.Capabilities;
using Framework.Abstractions.Commands;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Framework.TestPlugins.Sample;

public sealed class SampleOptions
{
    [Required]
    public string? Greeting { get; set; } = "Hello";

    [Range(0, 1000)]
    public int Items { get; set; } = 3;
}

public sealed class SamplePlugin : IPlugin
{
    public void Configure(IPluginBuilder builder)
    {
        builder.AddOptions<SampleOptions>();
        builder.Services.AddSingleton<SampleWork>();
        builder.Services.AddHostedService<SampleService>();
        builder.AddHealthCheck("sample", _ => new SampleHealth());
        builder.PublishCapability<IPacketFilterProvider>(_ => new MinimumLengthFilterProvider());
        builder.AddJob(new PluginJob("emit-telemetry", "Emits a span, a counter and a log.", (services, token) =>
            services.GetRequiredService<SampleWork>().EmitAsync(token)));

        var greet = new PluginCommand("greet", "Greets someone.")
        {
            Handler = (context, _) =>
            {
                var options = context.Services.GetRequiredService<IOptions<SampleOptions>>().Value;
                var name = context.GetArgument("name")!;
                if (name == "nobody")
                {
                    throw new CommandUsageException("name: 'nobody' cannot be greeted.");
                }

                var everyone = string.Join(" and ", new[] { name }.Concat(context.GetArguments("--also")));
                var text = $"{options.Greeting}, {everyone}!";
                context.Console.Out.WriteLine(context.HasFlag("--shout") ? text.ToUpperInvariant() : text);
                return Task.FromResult(0);
            },
        };
        greet.Arguments.Add(new PluginArgument("name", "Who to greet."));
        greet.Options.Add(new PluginOption("--shout", "Upper-case.", IsFlag: true));
        greet.Options.Add(new PluginOption("--also", "Someone else to greet (repeatable).", Aliases: "-a") { Many = true });

        var emit = new PluginCommand("emit", "Emits telemetry.")
        {
            Handler = async (context, token) =>
            {
                await context.Services.GetRequiredService<SampleWork>().EmitAsync(token);
                context.Console.WriteTable("emitted", ["signal", "name"], [["span", "sample.work"], ["counter", "sample.items"]]);
                return 0;
            },
        };

        var fail = new PluginCommand("fail", "Fails.") { Handler = (_, _) => throw new InvalidOperationException("sample failure") };

        var root = new PluginCommand("sample", "The sample test plugin.");
        root.Subcommands.Add(greet);
        root.Subcommands.Add(emit);
        root.Subcommands.Add(fail);
        builder.AddCommand(root);
    }
}

public sealed class SampleWork(IPluginTelemetry telemetry, IOptions<SampleOptions> options, ILogger<SampleWork> logger)
{
    private readonly Counter<long> _items = telemetry.Meter.CreateCounter<long>("sample.items", "{item}", "Items the sample processed.");
    private readonly ObservableGauge<int> _gauge = telemetry.Meter.CreateObservableGauge("sample.gauge", () => options.Value.Items);

    public Task EmitAsync(CancellationToken cancellationToken)
    {
        using var activity = telemetry.ActivitySource.StartActivity("sample.work", ActivityKind.Internal);
        activity?.SetTag("sample.items", options.Value.Items);
        _items.Add(options.Value.Items, new KeyValuePair<string, object?>("sample.kind", "test"));
        logger.LogInformation("sample job emitted telemetry ({Items} items)", options.Value.Items);
        return Task.CompletedTask;
    }
}

public sealed class SampleService(ILogger<SampleService> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("sample service started");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public sealed class SampleHealth : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy("sample is fine"));
}

/// <summary>Keeps frames of at least <c>minimum</c> bytes, where the "file" holds the minimum.</summary>
public sealed class MinimumLengthFilterProvider : IPacketFilterProvider
{
    public string Kind => "min-length";

    public IPacketFilter Load(string path, string? section) => new MinimumLengthFilter(int.Parse(path, System.Globalization.CultureInfo.InvariantCulture));

    private sealed class MinimumLengthFilter(int minimum) : IPacketFilter
    {
        public uint Filter(ReadOnlySpan<byte> frame) => frame.Length >= minimum ? (uint)frame.Length : 0;

        public void Dispose()
        {
        }
    }
}
