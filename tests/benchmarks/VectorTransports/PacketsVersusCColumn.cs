using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Framework.Benchmarks.VectorTransports;

/// <summary>
/// Our packets per second over the C program's, same parameters, same run: the throughput
/// target (at least 0.8x at depth 64). BenchmarkDotNet's own Ratio column is time over time, the
/// inverse of this.
/// </summary>
public sealed class PacketsVersusCColumn : IColumn
{
    public string Id => "PacketsVersusC";

    public string ColumnName => "Packets/s vs C";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Packets/s of this method over the C program's (same transport, frame size and depth, same run)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var c = summary.BenchmarksCases.FirstOrDefault(other =>
            other.Descriptor.Baseline
            && other.Parameters.ValueInfo == benchmarkCase.Parameters.ValueInfo);
        var mean = summary[benchmarkCase]?.ResultStatistics?.Median;
        var baseline = c is null ? null : summary[c]?.ResultStatistics?.Median;
        return mean is > 0 && baseline is > 0 ? (baseline.Value / mean.Value).ToString("0.00", CultureInfo.InvariantCulture) + "x" : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
