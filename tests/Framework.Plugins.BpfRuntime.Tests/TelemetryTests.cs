using System.Diagnostics;
using System.Diagnostics.Metrics;
using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;
using Framework.Plugins.BpfRuntime.Telemetry;

namespace Framework.Plugins.BpfRuntime.Tests;

public sealed class TelemetryTests
{
    [Fact]
    public void Runs_durations_and_map_operations_are_measured()
    {
        using var meter = new Meter("bpf-runtime-test-" + Guid.NewGuid().ToString("N"));
        var measurements = new List<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i.Name, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i.Name, v, tags));
        listener.Start();

        using var system = new BpfSystem(telemetry: new BpfTelemetry(null, meter));
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 4, Name: "counts"));
        using var program = system.LoadProgram(new BpfProgramLoadAttributes
        {
            Instructions = BpfAssembler.Assemble("stw [%r10-4], 1\nmov %r2, %r10\nadd %r2, -4\nlddw %r1, map_idx(0)\ncall 1\nmov %r0, 0\nexit"),
            MapDescriptors = [map.Fd],
            Name = "probe",
        });
        program.Program.Run([]);
        program.Program.Run([]);

        // A test run times each of its runs while a listener takes them.
        program.Program.TestRun([], 3);
        map.Map.Update(BitConverter.GetBytes(1), new byte[8]);

        lock (measurements)
        {
            Assert.Equal(5, measurements.Count(m => m.Instrument == "bpf.program.runs" && (string?)m.Tags["program"] == "probe"));
            Assert.Equal(5, measurements.Count(m => m.Instrument == "bpf.program.duration"));
            Assert.Equal(5, measurements.Count(m => m.Instrument == "bpf.map.operations" && (string?)m.Tags["operation"] == "lookup" && (string?)m.Tags["map"] == "counts"));
            Assert.Single(measurements, m => m.Instrument == "bpf.map.operations" && (string?)m.Tags["operation"] == "update");
        }

        void Record(string name, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var dict = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                dict[tag.Key] = tag.Value;
            }

            lock (measurements)
            {
                measurements.Add((name, value, dict));
            }
        }
    }

    [Fact]
    public void Load_failures_are_span_events()
    {
        using var source = new ActivitySource("bpf-runtime-test-" + Guid.NewGuid().ToString("N"));
        var stopped = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (stopped)
                {
                    stopped.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        using var system = new BpfSystem(telemetry: new BpfTelemetry(source, null));
        Assert.Throws<BpfException>(() => system.LoadProgram(new BpfProgramLoadAttributes { Instructions = BpfAssembler.Assemble("call 4242\nexit") }));

        var span = Assert.Single(stopped, a => a.OperationName == "bpf.prog_load");
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        var failure = Assert.Single(span.Events);
        Assert.Equal("bpf.prog_load.failed", failure.Name);
        Assert.Contains(failure.Tags, t => t.Key == "bpf.errno" && (string?)t.Value == "EINVAL");
    }
}
