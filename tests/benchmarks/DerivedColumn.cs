using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Framework.Benchmarks;

/// <summary>
/// A numeric column computed from the run's results (rates, ratios against a baseline in the same
/// run): subclasses say what it is called and how to compute one cell; the rest of IColumn is here.
/// </summary>
public abstract class DerivedColumn : IColumn
{
    public abstract string Id { get; }

    public abstract string ColumnName { get; }

    public abstract string Legend { get; }

    public virtual int PriorityInCategory => 0;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => Compute(summary, benchmarkCase) ?? "-";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <summary>The median time per operation of a case, in nanoseconds, or null when it did not run.</summary>
    protected static double? MedianNanoseconds(Summary summary, BenchmarkCase? benchmarkCase) =>
        benchmarkCase is null ? null : summary[benchmarkCase]?.ResultStatistics?.Median is > 0 and var median ? median : null;

    /// <summary>The cell's text, or null for "-".</summary>
    protected abstract string? Compute(Summary summary, BenchmarkCase benchmarkCase);
}
