using System.Diagnostics;
using System.Diagnostics.Metrics;
using Framework.Abstractions;

namespace Framework.Plugins.Elf2Dmp.Conversion;

/// <summary>
/// The plugin's instruments on its host-owned Meter, and spans on its ActivitySource: one span per
/// conversion (<c>elf2dmp.convert</c>) with a child span per stage (<c>elf2dmp.stage.&lt;Stage&gt;</c>).
/// Thread-safe.
/// </summary>
public sealed class ConversionTelemetry
{
    private readonly ActivitySource _source;
    private readonly Counter<long> _conversions;
    private readonly Counter<long> _bytes;
    private readonly Histogram<double> _duration;

    /// <summary>Creates the instruments.</summary>
    public ConversionTelemetry(IPluginTelemetry telemetry)
    {
        _source = telemetry.ActivitySource;
        _conversions = telemetry.Meter.CreateCounter<long>("elf2dmp.conversions", "{conversion}", "Conversions finished, by outcome.");
        _bytes = telemetry.Meter.CreateCounter<long>("elf2dmp.bytes_written", "By", "Bytes of crash dump written.");
        _duration = telemetry.Meter.CreateHistogram<double>("elf2dmp.conversion.duration", "s", "How long a conversion took.");
    }

    /// <summary>Starts the span of one conversion.</summary>
    public Activity? StartConversion(string input, string output)
    {
        var activity = _source.StartActivity("elf2dmp.convert", ActivityKind.Internal);
        activity?.SetTag("elf2dmp.input", input);
        activity?.SetTag("elf2dmp.output", output);
        return activity;
    }

    /// <summary>An observer that opens a child span for each stage under the current activity.</summary>
    public ConversionObserver StageSpans(ConversionObserver? inner = null) => new StageSpanObserver(_source, inner ?? ConversionObserver.None);

    /// <summary>Records a finished conversion.</summary>
    public void Record(bool succeeded, long bytes, TimeSpan duration, string? errorKind = null)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", succeeded ? "success" : "failure");
        var kind = new KeyValuePair<string, object?>("error.type", errorKind ?? string.Empty);
        _conversions.Add(1, outcome, kind);
        _duration.Record(duration.TotalSeconds, outcome);
        if (bytes > 0)
        {
            _bytes.Add(bytes);
        }
    }

    private sealed class StageSpanObserver(ActivitySource source, ConversionObserver inner) : ConversionObserver
    {
        private Activity? _stage;

        public override void StageStarted(ConversionStage stage)
        {
            _stage = source.StartActivity($"elf2dmp.stage.{stage}", ActivityKind.Internal);
            inner.StageStarted(stage);
        }

        public override void StageCompleted(ConversionStage stage, TimeSpan elapsed)
        {
            inner.StageCompleted(stage, elapsed);
            End(ActivityStatusCode.Ok, null);
        }

        public override void StageFailed(ConversionStage stage, Exception error)
        {
            inner.StageFailed(stage, error);
            End(ActivityStatusCode.Error, error.Message);
        }

        public override void Message(string text)
        {
            _stage?.AddEvent(new ActivityEvent(text));
            inner.Message(text);
        }

        public override void Progress(long done, long total) => inner.Progress(done, total);

        private void End(ActivityStatusCode status, string? description)
        {
            if (_stage is null)
            {
                return;
            }

            _stage.SetStatus(status, description);
            _stage.Dispose();
            _stage = null;
        }
    }
}
