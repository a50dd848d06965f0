using System.Diagnostics;
using System.Diagnostics.Metrics;
using Framework.Abstractions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Acme.Hello;

/// <summary>Makes greetings, with a span, a counter and a log for each.</summary>
public sealed partial class Greeter
{
    private readonly IPluginTelemetry _telemetry;
    private readonly GreetingOptions _options;
    private readonly ILogger<Greeter> _logger;
    private readonly Counter<long> _greetings;

    /// <summary>Created by the plugin's container.</summary>
    public Greeter(IPluginTelemetry telemetry, IOptions<GreetingOptions> options, ILogger<Greeter> logger)
    {
        ArgumentNullException.ThrowIfNull(telemetry);
        ArgumentNullException.ThrowIfNull(options);
        _telemetry = telemetry;
        _options = options.Value;
        _logger = logger;
        _greetings = telemetry.Meter.CreateCounter<long>("acme-hello.greetings", "{greeting}", "Greetings made.");
    }

    /// <summary>The greeting lines for <paramref name="name"/>.</summary>
    public IReadOnlyList<string> Greet(string name)
    {
        // The host exports this source's spans (named after the plugin id) with the plugin's id and version.
        using var activity = _telemetry.ActivitySource.StartActivity("acme-hello.greet", ActivityKind.Internal);
        activity?.SetTag("acme-hello.repeat", _options.Repeat);
        var lines = Enumerable.Repeat($"{_options.Greeting}, {name}!", _options.Repeat).ToList();
        _greetings.Add(lines.Count);
        LogGreeted(_logger, name, lines.Count);
        return lines;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Greeted {Name} {Count} time(s).")]
    private static partial void LogGreeted(ILogger logger, string name, int count);
}
