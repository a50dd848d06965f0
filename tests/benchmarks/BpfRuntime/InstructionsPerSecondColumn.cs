using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Framework.Benchmarks.BpfRuntime;

/// <summary>Shows the rate behind the mean: benchmarks report one operation per instruction (or per
/// map operation) through OperationsPerInvoke, so the rate is 1e9 / mean-in-ns.</summary>
public sealed class InstructionsPerSecondColumn : IColumn
{
    public string Id => "OpsPerSecond";

    public string ColumnName => "Ops/s (M)";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Millions of instructions (or map operations) per second";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var report = summary[benchmarkCase];
        var mean = report?.ResultStatistics?.Mean;
        return mean is > 0 ? (1e3 / mean.Value).ToString("0.0", CultureInfo.InvariantCulture) : "-";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
