using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Framework.Abstractions;
using Framework.Plugins.HwbpX86.Slots;
using Framework.Plugins.HwbpX86.Watching;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Framework.Plugins.HwbpX86.Hosting;

/// <summary>
/// Watches the configured (process, address) pairs while the host runs: each hit is a log record and
/// an event on the watch's span (address, instruction pointer, thread) and counts in
/// <c>hwbp.hits</c>; a breakpoint the rules, the process or the debug registers refuse is logged and
/// counts in <c>hwbp.reservations.refused</c> (tagged with the errno), and the others go on.
/// </summary>
public sealed partial class WatchHostedService(IOptions<HwbpX86Options> options, IPluginTelemetry telemetry, ILogger<WatchHostedService> logger) : IHostedService
{
    private readonly Counter<long> _hits = telemetry.Meter.CreateCounter<long>("hwbp.hits", description: "Delivered hardware breakpoint hits.");
    private readonly Counter<long> _refused = telemetry.Meter.CreateCounter<long>("hwbp.reservations.refused", description: "Breakpoints refused (x86 rules, missing process or permission, out of debug registers).");
    private readonly List<(BreakpointWatch Watch, Task Running, Activity? Span)> _running = [];
    private readonly CancellationTokenSource _stop = new();

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var definition in options.Value.Watches)
        {
            try
            {
                if (!HwBreakpointTypes.TryParse(definition.Type, out var type) || !BreakpointWatches.TryParseBackend(definition.Backend, out var backend))
                {
                    throw new HwbpException(Native.Errno.EINVAL, $"type '{definition.Type}' or backend '{definition.Backend}' is not valid (w, rw, x; perf, ptrace)");
                }

                var request = new WatchRequest(definition.Pid, BreakpointWatches.ResolveAddress(definition.Pid, definition.Address), definition.Length, type);
                var watch = BreakpointWatches.Arm(backend, [request]);
                var span = telemetry.ActivitySource.StartActivity($"hwbp.watch {definition.Name}", ActivityKind.Internal, parentContext: default);
                span?.SetTag("hwbp.request", request.ToString());
                LogArmed(definition.Name, request.ToString(), watch.Backend);
                var name = definition.Name;
                var running = watch.RunAsync(hit => OnHit(name, watch.Backend, span, hit), _stop.Token);
                _running.Add((watch, running, span));
            }
            catch (HwbpException e)
            {
                _refused.Add(1, new KeyValuePair<string, object?>("hwbp.errno", e.Errno.ToString()), new KeyValuePair<string, object?>("hwbp.watch", definition.Name));
                LogRefused(definition.Name, e.Message);
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        foreach (var (watch, running, span) in _running)
        {
            try
            {
                await running.WaitAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or HwbpException)
            {
            }

            await watch.DisposeAsync();
            span?.SetTag("hwbp.hits", watch.Hits);
            span?.Dispose();
        }

        _running.Clear();
        _stop.Dispose();
    }

    private void OnHit(string name, string backend, Activity? span, BreakpointHit hit)
    {
        _hits.Add(1, new KeyValuePair<string, object?>("hwbp.watch", name), new KeyValuePair<string, object?>("hwbp.backend", backend));
        span?.AddEvent(new ActivityEvent("hwbp.hit", tags: new ActivityTagsCollection
        {
            ["hwbp.address"] = string.Create(CultureInfo.InvariantCulture, $"0x{hit.Address:x}"),
            ["hwbp.ip"] = string.Create(CultureInfo.InvariantCulture, $"0x{hit.InstructionPointer:x}"),
            ["thread.id"] = hit.Tid,
        }));
        LogHit(name, hit.Address, hit.InstructionPointer, hit.Tid);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watch {Name}: armed {Request} with the {Backend} backend.")]
    private partial void LogArmed(string name, string request, string backend);

    [LoggerMessage(Level = LogLevel.Error, Message = "Watch {Name} refused: {Reason}")]
    private partial void LogRefused(string name, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watch {Name} hit: address 0x{Address:x}, instruction pointer 0x{Ip:x}, thread {Tid}.")]
    private partial void LogHit(string name, ulong address, ulong ip, int tid);
}
