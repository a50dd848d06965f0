using System.Text.Json;
using Framework.KernelLab;

namespace Framework.Plugins.HwbpX86.Tests.Lab;

/// <summary>
/// Delivered hits, in the kernel lab (this VM never delivers debug traps): the real
/// <c>framework hwbp</c> CLI in the guest against Targets/hwbp-target.c (built on the host, seen by
/// the guest at the same path), with both backends. One boot runs every case; each case writes its
/// hits as JSON lines and its exit code into /lab.
/// </summary>
[Collection(KernelSlotsCollection.Name)]
[Trait("Category", "KernelLab")]
public sealed class HwbpLabTests
{
    [KernelLabFact]
    [Trait("Category", "KernelLab")]
    public async Task Both_backends_deliver_write_read_write_and_execute_hits_tell_which_register_fired_and_refuse_a_fifth()
    {
        Assert.Null(TargetProgram.Missing);
        var script = $$"""
            fw() { dotnet "$FRAMEWORK_DLL" hwbp "$@"; }
            fw selftest --json > selftest.json; echo $? > selftest.rc
            "{{TargetProgram.Path}}" 0 20000 > target.out &
            sleep 1
            P=$(cut -d' ' -f1 target.out)
            for b in perf ptrace; do
              fw watch --pid $P --addr hwbp_vars --addr hwbp_vars+8 --addr hwbp_vars+16 --addr hwbp_vars+24 --type w --len 8 --backend $b --count 8 --duration 60 --json > $b-four.jsonl 2> $b-four.err; echo $? > $b-four.rc
              fw watch --pid $P --addr hwbp_counter --type rw --len 8 --backend $b --count 4 --duration 60 --json > $b-rw.jsonl 2> $b-rw.err; echo $? > $b-rw.rc
              fw watch --pid $P --addr hwbp_tick --type x --len 1 --backend $b --count 3 --duration 60 --json > $b-x.jsonl 2> $b-x.err; echo $? > $b-x.rc
              fw watch --pid $P --addr hwbp_vars --addr hwbp_vars+8 --addr hwbp_vars+16 --addr hwbp_vars+24 --addr hwbp_counter --backend $b --duration 5 > $b-five.out 2> $b-five.err; echo $? > $b-five.rc
            done
            grep TracerPid /proc/$P/status > tracer.txt
            kill $P
            """;
        var result = await Framework.KernelLab.KernelLab.RunAsync(new LabRun { Script = script, Timeout = TimeSpan.FromMinutes(8) });
        result.EnsureSuccess();
        var context = result.Describe();

        var selfTest = JsonDocument.Parse(result.ReadResult("selftest.json")).RootElement;
        Assert.True(selfTest.GetProperty("delivered").GetBoolean(), $"{selfTest}\n{context}");
        Assert.Equal("0", result.ReadResult("selftest.rc").Trim());
        var addresses = result.ReadResult("target.out").Trim().Split(' ');
        var counter = addresses[1];
        var tick = addresses[2];
        var vars = Convert.ToUInt64(addresses[3], 16);

        foreach (var backend in new[] { "perf", "ptrace" })
        {
            Assert.True(result.ReadResult($"{backend}-four.rc").Trim() == "0", result.ReadResult($"{backend}-four.err") + context);
            var four = Hits(result, $"{backend}-four.jsonl");
            Assert.True(four.Count >= 8, $"{backend}: {four.Count} hits\n{context}");
            // The target writes hwbp_vars[0..3] in turn: every one of the four registers fires.
            var seen = four.Select(h => Convert.ToUInt64(h.GetProperty("address").GetString(), 16) - vars).Distinct().Order().ToList();
            Assert.Equal([0UL, 8UL, 16UL, 24UL], seen);
            if (backend == "ptrace")
            {
                foreach (var hit in four)
                {
                    // DR6 says which register fired, and it is the one armed with the hit's address.
                    var dr = hit.GetProperty("dr").GetInt32();
                    var dr6 = Convert.ToUInt64(hit.GetProperty("dr6").GetString(), 16);
                    Assert.Equal(1UL << dr, dr6 & 0xF);
                    Assert.Equal((ulong)(8 * dr), Convert.ToUInt64(hit.GetProperty("address").GetString(), 16) - vars);
                }
            }

            Assert.Equal("0", result.ReadResult($"{backend}-rw.rc").Trim());
            Assert.All(Hits(result, $"{backend}-rw.jsonl"), h => Assert.Equal(counter, h.GetProperty("address").GetString()));
            Assert.True(Hits(result, $"{backend}-rw.jsonl").Count >= 4, context);

            Assert.Equal("0", result.ReadResult($"{backend}-x.rc").Trim());
            var executes = Hits(result, $"{backend}-x.jsonl");
            Assert.True(executes.Count >= 3, context);
            Assert.All(executes, h => Assert.Equal(tick, h.GetProperty("ip").GetString()));

            Assert.Equal("1", result.ReadResult($"{backend}-five.rc").Trim());
            Assert.Contains("out of debug registers", result.ReadResult($"{backend}-five.err"), StringComparison.Ordinal);
        }

        Assert.Contains("TracerPid:\t0", result.ReadResult("tracer.txt"), StringComparison.Ordinal);
    }

    private static List<JsonElement> Hits(LabResult result, string file) =>
        result.ReadResult(file).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
}
