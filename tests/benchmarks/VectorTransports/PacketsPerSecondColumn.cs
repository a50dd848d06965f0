using System.Globalization;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Framework.Benchmarks.VectorTransports;

/// <summary>Packets per second: each benchmark reports one operation per packet (OperationsPerInvoke).</summary>
public sealed class PacketsPerSecondColumn : DerivedColumn
{
    public override string Id => "PacketsPerSecond";

    public override string ColumnName => "Packets/s";

    public override string Legend => "Frames sent and received per second (1e9 / median ns per packet)";

    protected override string? Compute(Summary summary, BenchmarkCase benchmarkCase) =>
        MedianNanoseconds(summary, benchmarkCase) is { } ns ? (1e9 / ns).ToString("N0", CultureInfo.InvariantCulture) : null;
}
