using System.Globalization;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Framework.Benchmarks.VectorTransports;

/// <summary>
/// Our packets per second over the C program's, same parameters, same run: the throughput
/// target (at least 0.8x at depth 64). BenchmarkDotNet's own Ratio column is time over time, the
/// inverse of this.
/// </summary>
public sealed class PacketsVersusCColumn : DerivedColumn
{
    public override string Id => "PacketsVersusC";

    public override string ColumnName => "Packets/s vs C";

    public override int PriorityInCategory => 1;

    public override string Legend => "Packets/s of this method over the C program's (same transport, frame size and depth, same run)";

    protected override string? Compute(Summary summary, BenchmarkCase benchmarkCase)
    {
        var c = summary.BenchmarksCases.FirstOrDefault(other =>
            other.Descriptor.Baseline
            && other.Job.DisplayInfo == benchmarkCase.Job.DisplayInfo
            && other.Parameters.ValueInfo == benchmarkCase.Parameters.ValueInfo);
        return MedianNanoseconds(summary, benchmarkCase) is { } ours && MedianNanoseconds(summary, c) is { } theirs
            ? (theirs / ours).ToString("0.00", CultureInfo.InvariantCulture) + "x"
            : null;
    }
}
