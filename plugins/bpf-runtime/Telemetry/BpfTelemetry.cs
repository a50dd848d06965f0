using System.Diagnostics;
using System.Diagnostics.Metrics;
using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Programs;

namespace Framework.Plugins.BpfRuntime.Telemetry;

/// <summary>
/// The runtime's instruments: <c>bpf.program.runs</c> (counter, tags program and result),
/// <c>bpf.program.duration</c> (histogram in microseconds, tag program), <c>bpf.map.operations</c>
/// (counter, tags map, map.type and operation), and a <c>bpf.prog_load</c> span per load whose
/// failures are recorded as span events. Built on the plugin's ActivitySource and Meter (it does not
/// own or dispose them). Recording costs nothing when no listener is attached. Thread-safe.
/// </summary>
public sealed class BpfTelemetry
{
    private readonly Counter<long>? _runs;
    private readonly Histogram<double>? _duration;
    private readonly Counter<long>? _mapOperations;

    /// <summary>Creates the instruments on a Meter and uses an ActivitySource for spans; either may be null.</summary>
    public BpfTelemetry(ActivitySource? activitySource, Meter? meter)
    {
        ActivitySource = activitySource;
        if (meter is not null)
        {
            _runs = meter.CreateCounter<long>("bpf.program.runs", "{run}", "Program runs");
            _duration = meter.CreateHistogram<double>("bpf.program.duration", "us", "Duration of one program run");
            _mapOperations = meter.CreateCounter<long>("bpf.map.operations", "{operation}", "Map operations from programs and the syscall side");
        }
    }

    /// <summary>Telemetry that records nothing.</summary>
    public static BpfTelemetry None { get; } = new(null, null);

    /// <summary>The source of load spans, or null.</summary>
    public ActivitySource? ActivitySource { get; }

    /// <summary>Whether a listener takes program runs or their durations (each run is then timed).</summary>
    internal bool RecordsRuns => _runs is { Enabled: true } || _duration is { Enabled: true };

    internal void ProgramRun(BpfProgram program, TimeSpan elapsed, bool ok)
    {
        if (_runs is { Enabled: true })
        {
            _runs.Add(1, new KeyValuePair<string, object?>("program", program.Name), new KeyValuePair<string, object?>("result", ok ? "ok" : "error"));
        }

        if (_duration is { Enabled: true })
        {
            _duration.Record(elapsed.TotalMicroseconds, new KeyValuePair<string, object?>("program", program.Name));
        }
    }

    internal void MapOperation(BpfMap map, string operation)
    {
        if (_mapOperations is { Enabled: true })
        {
            _mapOperations.Add(
                1,
                new KeyValuePair<string, object?>("map", map.Name),
                new KeyValuePair<string, object?>("map.type", map.Type.ToString()),
                new KeyValuePair<string, object?>("operation", operation));
        }
    }

    internal Activity? StartLoad(string name, BpfProgramType type)
    {
        var activity = ActivitySource?.StartActivity("bpf.prog_load");
        activity?.SetTag("bpf.program", name);
        activity?.SetTag("bpf.program.type", type.ToString());
        return activity;
    }

    internal static void LoadFailed(Activity? activity, BpfException error)
    {
        if (activity is null)
        {
            return;
        }

        var tags = new ActivityTagsCollection
        {
            ["bpf.errno"] = error.Errno.ToString(),
            ["bpf.instruction"] = error.InstructionIndex,
            ["exception.message"] = error.Message,
        };
        activity.AddEvent(new ActivityEvent("bpf.prog_load.failed", tags: tags));
        activity.SetStatus(ActivityStatusCode.Error, error.Message);
    }
}
