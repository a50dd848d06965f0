using System.Diagnostics;
using System.Globalization;
using Framework.EndToEnd.Tests.Infrastructure;

namespace Framework.EndToEnd.Tests.Hostile;

/// <summary>Long one-shot commands stop within a second of SIGINT or SIGTERM, with exit code 130
/// or 143 (128 + the signal, as a shell reports it), and print no stack trace.</summary>
public sealed class SignalTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    /// <summary>Commands that run for minutes unless stopped, with what they print once under way.</summary>
    public static TheoryData<string, string, string> LongCommands() => new()
    {
        { "INT", "bpf run {program} --repeat 2000000000", string.Empty },
        { "TERM", "bpf run {program} --repeat 2000000000", string.Empty },
        { "INT", "vector recv transport=unix,src=@framework-sig-{pid}-a,dst=@framework-sig-{pid}-b --timeout 600", string.Empty },
        { "TERM", "vector recv transport=unix,src=@framework-sig-{pid}-a,dst=@framework-sig-{pid}-b --timeout 600", string.Empty },
        { "INT", "vector bridge transport=unix,src=@framework-sig-{pid}-c,dst=@framework-sig-{pid}-d transport=unix,src=@framework-sig-{pid}-e,dst=@framework-sig-{pid}-f", "bridging" },
        { "TERM", "user-events listen --duration 600", "listening" },
        { "INT", "vector send transport=unix,src=@framework-sig-{pid}-g,dst=@framework-sig-{pid}-h --count 1000000000", string.Empty },
    };

    [Theory]
    [MemberData(nameof(LongCommands))]
    public async Task A_long_command_stops_within_a_second_of_a_signal_with_128_plus_the_signal(string signal, string command, string startedMarker)
    {
        var args = command.Replace("{program}", _scratch.Program, StringComparison.Ordinal)
            .Replace("{pid}", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Split(' ');
        using var process = FrameworkProcess.Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = new System.Text.StringBuilder();
        var started = new TaskCompletionSource();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }

            if (e.Data?.Contains(startedMarker, StringComparison.Ordinal) == true)
            {
                started.TrySetResult();
            }
        };
        process.BeginErrorReadLine();

        // Under way: its marker line, or (for commands that print nothing first) a few seconds of work.
        var wait = startedMarker.Length > 0 ? started.Task.WaitAsync(TimeSpan.FromSeconds(30)) : Task.Delay(TimeSpan.FromSeconds(4));
        await wait;
        if (process.HasExited)
        {
            Assert.Fail($"exited early: {process.ExitCode}\n{stderr}\n{await stdout}");
        }

        var sent = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture)])!)
        {
            await kill.WaitForExitAsync();
        }

        var exited = await Task.WhenAny(process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(10))) is Task t && process.HasExited;
        var elapsed = sent.Elapsed;
        if (!exited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        Assert.True(exited, $"did not stop within 10 s of SIG{signal}\n{stderr}");
        // Each loop checks its token at least every 250 ms; the rest of the budget is process teardown on a shared machine.
        Assert.True(elapsed < TimeSpan.FromSeconds(3), $"took {elapsed.TotalMilliseconds:F0} ms to stop after SIG{signal}\n{stderr}");
        Assert.Equal(signal == "INT" ? 130 : 143, process.ExitCode);
        Assert.DoesNotContain("   at ", stderr.ToString(), StringComparison.Ordinal);
    }
}
