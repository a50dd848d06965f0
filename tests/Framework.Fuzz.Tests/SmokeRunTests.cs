using System.Diagnostics;

namespace Framework.Fuzz.Tests;

/// <summary>CI's smoke run: every target under afl-fuzz for a few seconds (tests/fuzz/run --smoke);
/// any crash or hang, or a target afl-fuzz cannot start, fails the test, which prints the
/// per-target summary. 25 targets at 6 s of fuzzing plus start-up and calibration each take about
/// 4 minutes on 2 cores (FRAMEWORK_FUZZ_SMOKE_SECONDS changes the 6 s).</summary>
public sealed class SmokeRunTests
{
    [AflSmokeFact]
    [Trait("Category", "Fuzz")]
    public void Every_target_fuzzes_for_a_while_without_a_crash_or_hang()
    {
        var seconds = Environment.GetEnvironmentVariable("FRAMEWORK_FUZZ_SMOKE_SECONDS") ?? "6";
        var run = new ProcessStartInfo(Path.Combine(FuzzInputs.Root, "tests", "fuzz", "run"), ["--smoke", "--seconds", seconds])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(run)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Console.WriteLine(output);
        Assert.True(process.ExitCode == 0, $"tests/fuzz/run --smoke exited {process.ExitCode}\n{output}\n{error.Result}");
        Assert.Equal(FuzzTargets.All.Count, output.Split('\n').Count(l => l.Contains(" execs ", StringComparison.Ordinal)));
    }
}
