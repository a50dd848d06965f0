using System.Globalization;
using System.Text.Json;
using Framework.KernelLab;

namespace Framework.Plugins.HwbpX86.Tests.Lab;

/// <summary>
/// Delivered hits, in the kernel lab (this VM never delivers debug traps): the real
/// <c>framework hwbp</c> CLI in the guest against Targets/hwbp-target.c (built on the host, seen by
/// the guest at the same path). One boot runs every case. Each case starts a fresh target that waits
/// for a go file, arms the watch, lets the target make exactly <see cref="Iterations"/> iterations
/// (each: one call of hwbp_tick, which reads and writes hwbp_counter once, and one write of
/// hwbp_vars[i % 4]), then stops the watch with SIGTERM, as a service manager stops it (a background
/// job of a non-interactive shell has SIGINT ignored, so Ctrl+C is tested on this machine instead);
/// so every hit count is exact.
/// </summary>
[Collection(KernelSlotsCollection.Name)]
[Trait("Category", "KernelLab")]
public sealed class HwbpLabTests
{
    private const int Iterations = 12;

    // The kernel's slot accounting in the lab kernel: four task-bound breakpoints fill the task's
    // slots on every CPU, a fifth is refused with ENOSPC, a release makes room; four CPU-bound ones
    // fill CPU 0, and then a task-bound breakpoint on every CPU no longer fits either.
    private const string Plan = """
        [
          {"op":"open","name":"a","cpu":null,"task":"t1","type":"w","len":8,"pinned":true},
          {"op":"open","name":"b","cpu":null,"task":"t1","type":"w","len":8,"pinned":true},
          {"op":"open","name":"c","cpu":null,"task":"t1","type":"rw","len":4,"pinned":true},
          {"op":"open","name":"d","cpu":null,"task":"t1","type":"x","len":1,"pinned":true},
          {"op":"open","name":"e","cpu":null,"task":"t1","type":"w","len":8,"pinned":true},
          {"op":"close","name":"a"},
          {"op":"open","name":"e2","cpu":null,"task":"t1","type":"w","len":8,"pinned":true},
          {"op":"modify","name":"e2","type":"rw","len":2},
          {"op":"open","name":"f","cpu":null,"task":"t2","type":"w","len":8,"pinned":true},
          {"op":"close","name":"b"},
          {"op":"close","name":"c"},
          {"op":"close","name":"d"},
          {"op":"close","name":"e2"},
          {"op":"close","name":"f"},
          {"op":"open","name":"p","cpu":0,"task":null,"type":"w","len":8,"pinned":true},
          {"op":"open","name":"q","cpu":0,"task":null,"type":"w","len":8,"pinned":true},
          {"op":"open","name":"r","cpu":0,"task":null,"type":"w","len":8,"pinned":true},
          {"op":"open","name":"s","cpu":0,"task":null,"type":"w","len":8,"pinned":true},
          {"op":"open","name":"u","cpu":0,"task":null,"type":"w","len":8,"pinned":true},
          {"op":"open","name":"v","cpu":null,"task":"t1","type":"w","len":8,"pinned":true},
          {"op":"close","name":"p"},
          {"op":"open","name":"v2","cpu":null,"task":"t1","type":"w","len":8,"pinned":true}
        ]
        """;

    [KernelLabFact]
    [Trait("Category", "KernelLab")]
    public async Task Both_backends_deliver_exact_hits_for_write_read_write_and_execute_tell_which_register_fired_and_refuse_a_fifth()
    {
        Assert.Null(TargetProgram.Missing);
        var script = $$"""
            fw() { dotnet "$FRAMEWORK_DLL" hwbp "$@"; }
            fw selftest --json > selftest.json; echo $? > selftest.rc
            fw slots --plan plan.json --kernel --json > slots.json 2> slots.err; echo $? > slots.rc
            # run_watch CASE ARGS...: a fresh target, the watch armed, exactly {{Iterations}} iterations, SIGTERM.
            run_watch() {
              c=$1; shift; rm -f go
              "{{TargetProgram.Path}}" {{Iterations}} 20000 go > $c.target &
              T=$!
              until [ -s $c.target ]; do sleep 0.1; done
              P=$(cut -d' ' -f1 $c.target)
              # Not through fw: $! must be dotnet's own pid, not a subshell's, for the SIGTERM below.
              dotnet "$FRAMEWORK_DLL" hwbp watch --pid $P "$@" --duration 300 --json > $c.jsonl 2> $c.err &
              W=$!
              n=0; until grep -q '^watching' $c.err || ! kill -0 $W 2>/dev/null || [ $n -gt 900 ]; do sleep 0.1; n=$((n+1)); done
              touch go
              n=0; until grep -q '^done' $c.target || ! kill -0 $W 2>/dev/null || [ $n -gt 600 ]; do sleep 0.1; n=$((n+1)); done
              sleep 1
              kill -TERM $W 2>/dev/null; wait $W; echo $? > $c.rc
              grep TracerPid /proc/$P/status > $c.tracer
              kill $T; wait $T 2>/dev/null || true
            }
            for b in perf ptrace; do
              run_watch $b-four --backend $b --addr hwbp_vars --addr hwbp_vars+8 --addr hwbp_vars+16 --addr hwbp_vars+24 --type w --len 8
              run_watch $b-rw --backend $b --addr hwbp_counter --type rw --len 8
              run_watch $b-x --backend $b --addr hwbp_tick --type x --len 1
              run_watch $b-five --backend $b --addr hwbp_vars --addr hwbp_vars+8 --addr hwbp_vars+16 --addr hwbp_vars+24 --addr hwbp_counter
            done
            run_watch perf-count --backend perf --mode count --addr hwbp_counter --type w --len 8
            run_watch perf-signal --backend perf --mode signal --addr hwbp_counter --type w --len 8
            true
            """;
        var run = new LabRun { Script = script, Timeout = TimeSpan.FromMinutes(14) };
        run.Files["plan.json"] = Plan;
        var result = await Framework.KernelLab.KernelLab.RunAsync(run);
        result.EnsureSuccess();
        var context = result.Describe();

        var selfTest = JsonDocument.Parse(result.ReadResult("selftest.json")).RootElement;
        Assert.True(selfTest.GetProperty("delivered").GetBoolean(), $"{selfTest}\n{context}");
        Assert.Equal(selfTest.GetProperty("writes").GetInt32(), selfTest.GetProperty("sampled").GetInt32());
        Assert.Equal(selfTest.GetProperty("writes").GetUInt64(), selfTest.GetProperty("counted").GetUInt64());
        Assert.True(selfTest.GetProperty("exact").GetBoolean(), selfTest.ToString());
        Assert.Equal("0", result.ReadResult("selftest.rc").Trim());

        Assert.True(result.ReadResult("slots.rc").Trim() == "0", result.ReadResult("slots.err") + result.ReadResult("slots.json") + context);
        var steps = JsonDocument.Parse(result.ReadResult("slots.json")).RootElement.EnumerateArray().ToList();
        Assert.All(steps, s => Assert.True(s.GetProperty("agree").GetBoolean(), s.ToString()));
        string[] kernel = ["ok", "ok", "ok", "ok", "ENOSPC", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ENOSPC", "ENOSPC", "ok", "ok"];
        Assert.Equal(kernel, steps.Select(s => s.GetProperty("kernel").GetString()));

        foreach (var backend in new[] { "perf", "ptrace" })
        {
            var (counter, tick, vars) = Addresses(result, $"{backend}-four");
            var four = Hits(result, $"{backend}-four");
            Assert.True(Iterations == four.Count, $"{backend}: {four.Count} hits, expected {Iterations}\n{result.ReadResult($"{backend}-four.err")}{context}");

            // The target writes hwbp_vars[0..3] in turn: each of the four registers fires the same number of times.
            var perVariable = four.GroupBy(h => Hex(h.GetProperty("address").GetString()) - vars).OrderBy(g => g.Key).Select(g => (g.Key, g.Count())).ToList();
            Assert.Equal([(0UL, Iterations / 4), (8UL, Iterations / 4), (16UL, Iterations / 4), (24UL, Iterations / 4)], perVariable);
            if (backend == "ptrace")
            {
                foreach (var hit in four)
                {
                    // DR6 says which register fired, and it is the one armed with the hit's address.
                    var dr = hit.GetProperty("dr").GetInt32();
                    var dr6 = Hex(hit.GetProperty("dr6").GetString());
                    Assert.Equal(1UL << dr, dr6 & 0xF);
                    Assert.Equal((ulong)(8 * dr), Hex(hit.GetProperty("address").GetString()) - vars);
                }
            }

            // hwbp_tick reads and then writes hwbp_counter: two hits per iteration for read-write.
            (counter, _, _) = Addresses(result, $"{backend}-rw");
            var readWrites = Hits(result, $"{backend}-rw");
            Assert.True(2 * Iterations == readWrites.Count, $"{backend}: {readWrites.Count} read-write hits\n{context}");
            Assert.All(readWrites, h => Assert.Equal(counter, Hex(h.GetProperty("address").GetString())));

            (_, tick, _) = Addresses(result, $"{backend}-x");
            var executes = Hits(result, $"{backend}-x");
            Assert.True(Iterations == executes.Count, $"{backend}: {executes.Count} execute hits\n{context}");
            Assert.All(executes, h => Assert.Equal(tick, Hex(h.GetProperty("ip").GetString())));

            foreach (var name in new[] { "four", "rw", "x" })
            {
                // Stopped by SIGTERM, as a service manager stops it: 143, the README's rule for every long command.
                Assert.True(result.ReadResult($"{backend}-{name}.rc").Trim() == "143", result.ReadResult($"{backend}-{name}.err") + context);
                Assert.Contains("detached", result.ReadResult($"{backend}-{name}.err"), StringComparison.Ordinal);
                Assert.Contains("TracerPid:\t0", result.ReadResult($"{backend}-{name}.tracer"), StringComparison.Ordinal);
            }

            Assert.Equal("1", result.ReadResult($"{backend}-five.rc").Trim());
            Assert.Contains("out of debug registers", result.ReadResult($"{backend}-five.err"), StringComparison.Ordinal);
            Assert.Empty(Hits(result, $"{backend}-five"));
        }

        Assert.Contains("[ENOSPC]", result.ReadResult("perf-five.err"), StringComparison.Ordinal);
        foreach (var mode in new[] { "count", "signal" })
        {
            var (counter, _, _) = Addresses(result, $"perf-{mode}");
            var hits = Hits(result, $"perf-{mode}");
            Assert.True(Iterations == hits.Count, $"{mode}: {hits.Count} hits\n{result.ReadResult($"perf-{mode}.err")}{context}");
            Assert.All(hits, h => Assert.Equal(counter, Hex(h.GetProperty("address").GetString())));
            Assert.Equal("143", result.ReadResult($"perf-{mode}.rc").Trim());
        }

        // The hits of signal mode were woken by signals: at least one, at most one per hit.
        var signalSummary = result.ReadResult("perf-signal.err");
        var woken = System.Text.RegularExpressions.Regex.Match(signalSummary, @"woken by (\d+) signal");
        Assert.True(woken.Success, signalSummary);
        Assert.InRange(int.Parse(woken.Groups[1].Value, CultureInfo.InvariantCulture), 1, Iterations);
    }

    private static (ulong Counter, ulong Tick, ulong Vars) Addresses(LabResult result, string name)
    {
        var parts = result.ReadResult($"{name}.target").Split('\n')[0].Trim().Split(' ');
        return (Hex(parts[1]), Hex(parts[2]), Hex(parts[3]));
    }

    private static ulong Hex(string? text) => Convert.ToUInt64(text, 16);

    private static List<JsonElement> Hits(LabResult result, string name) =>
        result.ReadResult($"{name}.jsonl").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
}
