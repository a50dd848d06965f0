using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Framework.Benchmarks.VectorTransports;

/// <summary>
/// How many times more packets per second this depth moves than depth 1, for the same method,
/// transport and frame size in the same run: the batching target (at least 5x at depth 64).
/// </summary>
public sealed class BatchingGainColumn : IColumn
{
    public string Id => "BatchingGain";

    public string ColumnName => "Gain vs depth 1";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 2;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Packets/s at this depth over packets/s at depth 1 (same method, transport and frame size, same run)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var depthOne = summary.BenchmarksCases.FirstOrDefault(other =>
            other.Descriptor == benchmarkCase.Descriptor
            && Equals(other.Parameters["Transport"], benchmarkCase.Parameters["Transport"])
            && Equals(other.Parameters["FrameSize"], benchmarkCase.Parameters["FrameSize"])
            && Equals(other.Parameters["Depth"], 1));
        var mean = summary[benchmarkCase]?.ResultStatistics?.Median;
        var baseline = depthOne is null ? null : summary[depthOne]?.ResultStatistics?.Median;
        return mean is > 0 && baseline is > 0 ? (baseline.Value / mean.Value).ToString("0.00", CultureInfo.InvariantCulture) + "x" : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
