using System.Globalization;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Framework.Benchmarks.BpfRuntime;

/// <summary>Shows the rate behind the time: benchmarks report one operation per instruction (or per
/// map operation) through OperationsPerInvoke, so the rate is 1e9 / ns per operation.</summary>
public sealed class InstructionsPerSecondColumn : DerivedColumn
{
    public override string Id => "OpsPerSecond";

    public override string ColumnName => "Ops/s (M)";

    public override string Legend => "Millions of instructions (or map operations) per second (from the median)";

    protected override string? Compute(Summary summary, BenchmarkCase benchmarkCase) =>
        MedianNanoseconds(summary, benchmarkCase) is { } ns ? (1e3 / ns).ToString("0.0", CultureInfo.InvariantCulture) : null;
}
