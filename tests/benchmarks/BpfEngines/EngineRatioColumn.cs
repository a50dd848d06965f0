using System.Globalization;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Framework.Benchmarks.BpfEngines;

/// <summary>
/// The median time per run of one engine over another's, same program, same run: shown on the
/// row of <paramref name="method"/>, against the row of <paramref name="baseline"/>.
/// </summary>
public sealed class EngineRatioColumn(string name, string method, string baseline) : DerivedColumn
{
    public override string Id => "EngineRatio" + method + baseline;

    public override string ColumnName => name;

    public override string Legend => $"Median time per run of {method} over {baseline} (same program, same run)";

    protected override string? Compute(Summary summary, BenchmarkCase benchmarkCase) =>
        benchmarkCase.Descriptor.WorkloadMethod.Name == method
        && Ratio(summary, benchmarkCase, baseline) is { } ratio
            ? ratio.ToString("0.00", CultureInfo.InvariantCulture)
            : null;

    /// <summary>The median of <paramref name="benchmarkCase"/> over that of the case of
    /// <paramref name="baseline"/> with the same parameters, or null when either did not run.</summary>
    internal static double? Ratio(Summary summary, BenchmarkCase benchmarkCase, string baseline) =>
        MedianNanoseconds(summary, benchmarkCase) is { } ours && MedianNanoseconds(summary, Sibling(summary, benchmarkCase, baseline)) is { } theirs
            ? ours / theirs
            : null;

    /// <summary>The case of <paramref name="method"/> with the same parameters and job.</summary>
    internal static BenchmarkCase? Sibling(Summary summary, BenchmarkCase benchmarkCase, string method) =>
        summary.BenchmarksCases.FirstOrDefault(other =>
            other.Descriptor.WorkloadMethod.Name == method
            && other.Job.DisplayInfo == benchmarkCase.Job.DisplayInfo
            && other.Parameters.ValueInfo == benchmarkCase.Parameters.ValueInfo);
}
