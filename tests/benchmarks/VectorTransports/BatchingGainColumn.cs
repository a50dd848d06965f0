using System.Globalization;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Framework.Benchmarks.VectorTransports;

/// <summary>
/// How many times more packets per second this depth moves than depth 1, for the same method,
/// transport and frame size in the same run: the batching target (at least 5x at depth 64).
/// </summary>
public sealed class BatchingGainColumn : DerivedColumn
{
    public override string Id => "BatchingGain";

    public override string ColumnName => "Gain vs depth 1";

    public override int PriorityInCategory => 2;

    public override string Legend => "Packets/s at this depth over packets/s at depth 1 (same method, transport and frame size, same run)";

    protected override string? Compute(Summary summary, BenchmarkCase benchmarkCase)
    {
        var depthOne = summary.BenchmarksCases.FirstOrDefault(other =>
            other.Descriptor == benchmarkCase.Descriptor
            && other.Job.DisplayInfo == benchmarkCase.Job.DisplayInfo
            && Equals(other.Parameters["Transport"], benchmarkCase.Parameters["Transport"])
            && Equals(other.Parameters["FrameSize"], benchmarkCase.Parameters["FrameSize"])
            && Equals(other.Parameters["Depth"], 1));
        return MedianNanoseconds(summary, benchmarkCase) is { } ns && MedianNanoseconds(summary, depthOne) is { } baseline
            ? (baseline / ns).ToString("0.00", CultureInfo.InvariantCulture) + "x"
            : null;
    }
}
