using System.Globalization;
using System.Text;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Framework.Plugins.BpfRuntime.Assembler;

namespace Framework.Benchmarks.BpfEngines;

/// <summary>
/// Prints <see cref="EngineBenchmarks"/> as issue 15 asks for it: one row per program with ns per run
/// in the kernel (the duration BPF_PROG_TEST_RUN reports, <see cref="KernelClock"/>, measured when
/// the table is made, and the whole system call as the benchmark timed it), our IL JIT and our
/// interpreter (test runs of as many repetitions), the ratios JIT / kernel and interpreter / JIT,
/// the JIT through one call per run beside the kernel, and the time to load into the kernel, to
/// verify and to JIT-compile (medians of this run). The table goes to the console after
/// BenchmarkDotNet's summary and to <c>EngineBenchmarks-table.md</c> in the results folder.
/// </summary>
public sealed class EngineTableExporter : IExporter
{
    public string Name => "bpf-engine-table";

    public void ExportToLog(Summary summary, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(logger);
        logger.WriteLine(Table(summary));
    }

    public IEnumerable<string> ExportToFiles(Summary summary, ILogger consoleLogger)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(consoleLogger);
        var table = Table(summary);
        consoleLogger.WriteLine();
        consoleLogger.WriteLineHeader("// * bpf engines: ns per run and ratios (issue 15) *");
        consoleLogger.WriteLine(table);
        var path = Path.Combine(summary.ResultsDirectoryPath, "EngineBenchmarks-table.md");
        File.WriteAllText(path, table);
        return [path];
    }

    private static string Table(Summary summary)
    {
        var text = new StringBuilder()
            .AppendLine("| program | instructions | kernel ns (test-run duration) | kernel ns (whole call) | IL JIT ns | interpreter ns | JIT / kernel | JIT / kernel call | interpreter / JIT | IL JIT ns, one call per run | one call per run / kernel | kernel load us | verify us | JIT compile us |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var name in EnginePrograms.Names)
        {
            var cases = summary.BenchmarksCases.Where(c => Equals(c.Parameters[nameof(EngineBenchmarks.Program)], name)).ToList();
            if (cases.Count == 0)
            {
                continue;
            }

            double? Median(string method) =>
                cases.FirstOrDefault(c => c.Descriptor.WorkloadMethod.Name == method) is { } c && summary[c]?.ResultStatistics?.Median is > 0 and var median
                    ? median
                    : null;

            var kernel = KernelClock.Nanoseconds(name);
            var call = Median(nameof(EngineBenchmarks.Kernel_jit));
            var jit = Median(nameof(EngineBenchmarks.Il_jit));
            var interpreter = Median(nameof(EngineBenchmarks.Interpreter));
            var single = Median(nameof(EngineBenchmarks.Il_jit_single_runs));
            text.Append("| ").Append(name)
                .Append(" | ").Append(BpfAssembler.Assemble(EnginePrograms.Source(name)).Length.ToString(CultureInfo.InvariantCulture))
                .Append(" | ").Append(Format(kernel, 1, "0.0"))
                .Append(" | ").Append(Format(call, 1, "0.0"))
                .Append(" | ").Append(Format(jit, 1, "0.0"))
                .Append(" | ").Append(Format(interpreter, 1, "0.0"))
                .Append(" | ").Append(Format(jit / kernel, 1, "0.00"))
                .Append(" | ").Append(Format(jit / call, 1, "0.00"))
                .Append(" | ").Append(Format(interpreter / jit, 1, "0.00"))
                .Append(" | ").Append(Format(single, 1, "0.0"))
                .Append(" | ").Append(Format(single / kernel, 1, "0.00"))
                .Append(" | ").Append(Format(Median(nameof(EngineBenchmarks.Kernel_load)), 1000, "0.0"))
                .Append(" | ").Append(Format(Median(nameof(EngineBenchmarks.Verify)), 1000, "0.0"))
                .Append(" | ").Append(Format(Median(nameof(EngineBenchmarks.Jit_compile)), 1000, "0.0"))
                .AppendLine(" |");
        }

        return text.ToString();
    }

    private static string Format(double? value, double divisor, string format) =>
        value is { } v ? (v / divisor).ToString(format, CultureInfo.InvariantCulture) : "-";
}
