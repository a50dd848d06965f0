using BenchmarkDotNet.Running;

namespace Framework.Benchmarks;

/// <summary>Runs the benchmark suites; pass BenchmarkDotNet arguments such as --filter.</summary>
public static class BenchmarkProgram
{
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(BenchmarkProgram).Assembly).Run(args);
}
