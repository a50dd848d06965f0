using System.Globalization;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Framework.Benchmarks.Isolation;

/// <summary>The median time per call of a case minus that of its category's baseline in the same run,
/// in microseconds: what running the plugin out of process adds to each call (target: under 100 µs).</summary>
public sealed class AddedMicrosecondsColumn : DerivedColumn
{
    public override string Id => "AddedMicroseconds";

    public override string ColumnName => "Added per call";

    public override int PriorityInCategory => 2;

    public override string Legend => "Median per call minus the in-process baseline's median, same run (target < 100 us)";

    protected override string? Compute(Summary summary, BenchmarkCase benchmarkCase)
    {
        var baseline = summary.BenchmarksCases.FirstOrDefault(other => other.Descriptor.Baseline
            && other.Descriptor.Categories.SequenceEqual(benchmarkCase.Descriptor.Categories));
        return MedianNanoseconds(summary, benchmarkCase) is { } ns && MedianNanoseconds(summary, baseline) is { } reference
            ? ((ns - reference) / 1000).ToString("0.0", CultureInfo.InvariantCulture) + " us"
            : null;
    }
}
