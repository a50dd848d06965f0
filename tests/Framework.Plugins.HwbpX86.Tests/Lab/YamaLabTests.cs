using System.Text.Json;
using Framework.KernelLab;

namespace Framework.Plugins.HwbpX86.Tests.Lab;

/// <summary>
/// The ptrace backend under Yama, on the lab kernel (CONFIG_SECURITY_YAMA; this machine's kernel has
/// no Yama): the real <c>framework hwbp watch --backend ptrace</c> run as uid 65534 with no
/// capabilities (setpriv) against Targets/hwbp-target.c of the same uid, started by the script as the
/// watcher's sibling, never its descendant. One boot walks the scopes upwards (3 cannot be lowered):
/// 1 refuses and names Yama, its file and value and the remedies, and admits the same watcher once
/// the target has named any tracer with prctl(PR_SET_PTRACER) or when the watcher is the target's
/// ancestor, and root (CAP_SYS_PTRACE) is admitted; 2 refuses; 0 admits; 3 refuses even root, and
/// the perf backend it suggests still works. Every refusal is exit 1 and leaves the target running
/// with TracerPid 0; every admitted watch counts each of the target's writes and detaches. Debian's
/// kernel source boots Yama at scope 0 ("Yama: disabled by default"), so the other lab tests run
/// at 0 and this one sets each scope itself.
/// </summary>
[Trait("Category", "KernelLab")]
public sealed class YamaLabTests
{
    private const int Iterations = 8;

    [KernelLabFact]
    [Trait("Category", "KernelLab")]
    public async Task Ptrace_is_refused_by_each_Yama_scope_with_a_message_naming_it_and_admitted_where_Yama_allows()
    {
        Assert.Null(TargetProgram.Missing);
        var script = $$"""
            cat /proc/sys/kernel/yama/ptrace_scope > boot.scope 2>&1
            NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all env HOME=/tmp DOTNET_CLI_HOME=/tmp"
            ROOT="env"
            TARGET="{{TargetProgram.Path}}"
            # /lab is the harness's private folder: uid 65534 runs in /tmp, root's shell writes the results.
            cd /tmp
            # start_target CASE [VAR=value]: a target of uid 65534 that waits for /tmp/go; sets P.
            start_target() {
              c=$1; shift; rm -f /tmp/go
              $NOBODY "$@" "$TARGET" {{Iterations}} 20000 /tmp/go > /lab/$c.target 2>&1 &
              n=0; until [ -s /lab/$c.target ] || [ $n -gt 300 ]; do sleep 0.1; n=$((n+1)); done
              P=$(cut -d' ' -f1 /lab/$c.target)
            }
            finish() {
              grep TracerPid /proc/$P/status > /lab/$c.tracer
              kill -0 $P 2>/dev/null && echo alive > /lab/$c.alive
              kill $P; wait 2>/dev/null
            }
            # refused CASE WHO: the watch as WHO; expected to be refused at once.
            refused() {
              start_target $1; who=$2
              $who dotnet "$FRAMEWORK_DLL" hwbp watch --pid $P --addr hwbp_counter --len 8 --type w --backend ptrace --duration 60 > /lab/$c.out 2> /lab/$c.err
              echo $? > /lab/$c.rc
              finish
            }
            # admitted CASE WHO BACKEND [VAR=value]: the watch armed, the target's iterations, SIGTERM.
            admitted() {
              c=$1; who=$2; backend=$3; shift 3
              start_target $c "$@"
              # $who is a prefix of exec'ing commands, so $! is dotnet itself, which the SIGTERM must reach.
              $who dotnet "$FRAMEWORK_DLL" hwbp watch --pid $P --addr hwbp_counter --len 8 --type w --backend $backend --duration 300 --json > /lab/$c.jsonl 2> /lab/$c.err &
              W=$!
              n=0; until grep -q '^watching' /lab/$c.err || ! kill -0 $W 2>/dev/null || [ $n -gt 900 ]; do sleep 0.1; n=$((n+1)); done
              touch /tmp/go
              n=0; until grep -q '^done' /lab/$c.target || ! kill -0 $W 2>/dev/null || [ $n -gt 600 ]; do sleep 0.1; n=$((n+1)); done
              sleep 1
              kill -TERM $W 2>/dev/null; wait $W; echo $? > /lab/$c.rc
              finish
            }
            # The watcher as the target's ancestor: a shell of uid 65534 starts the target and execs dotnet.
            descendant() {
              c=$1; rm -f /tmp/go
              $NOBODY sh -c '"$0" {{Iterations}} 20000 /tmp/go > /tmp/descendant.target & exec dotnet "$FRAMEWORK_DLL" hwbp watch --pid $! --addr hwbp_counter --len 8 --type w --backend ptrace --duration 300 --json' "$TARGET" > /lab/$c.jsonl 2> /lab/$c.err &
              W=$!
              n=0; until grep -q '^watching' /lab/$c.err || ! kill -0 $W 2>/dev/null || [ $n -gt 900 ]; do sleep 0.1; n=$((n+1)); done
              P=$(cut -d' ' -f1 /tmp/descendant.target)
              touch /tmp/go
              n=0; until grep -q '^done' /tmp/descendant.target || ! kill -0 $W 2>/dev/null || [ $n -gt 600 ]; do sleep 0.1; n=$((n+1)); done
              sleep 1
              kill -TERM $W 2>/dev/null; wait $W; echo $? > /lab/$c.rc
              cp /tmp/descendant.target /lab/$c.target
              finish
            }
            echo 1 > /proc/sys/kernel/yama/ptrace_scope
            refused scope1 "$NOBODY"
            admitted scope1-ptracer-any "$NOBODY" ptrace HWBP_TARGET_PTRACER=any
            descendant scope1-descendant
            admitted scope1-root "$ROOT" ptrace
            echo 2 > /proc/sys/kernel/yama/ptrace_scope
            refused scope2 "$NOBODY"
            echo 0 > /proc/sys/kernel/yama/ptrace_scope
            admitted scope0 "$NOBODY" ptrace
            echo 3 > /proc/sys/kernel/yama/ptrace_scope
            refused scope3 "$NOBODY"
            refused scope3-root "$ROOT"
            admitted scope3-perf "$NOBODY" perf
            echo 0 2> /lab/scope3-lower.err > /proc/sys/kernel/yama/ptrace_scope; echo $? > /lab/scope3-lower.rc
            true
            """;
        var result = await Framework.KernelLab.KernelLab.RunAsync(new LabRun { Script = script, Timeout = TimeSpan.FromMinutes(12) });
        result.EnsureSuccess();
        var context = result.Describe();

        // Yama is active at boot (CONFIG_LSM="yama" in kernel/lab.config), at the scope Debian's
        // kernel source gives it (its patch "yama: Disable by default").
        Assert.True(result.ReadResult("boot.scope").Trim() == "0", result.ReadResult("boot.scope") + context);
        Assert.Contains("LSM: initializing lsm=capability,yama", result.KernelLog, StringComparison.Ordinal);

        var scope1 = Refusal(result, "scope1", context);
        Assert.Contains("Yama refuses it: /proc/sys/kernel/yama/ptrace_scope is 1 (restricted ptrace", scope1, StringComparison.Ordinal);
        Assert.Matches(@"pid \d+ \(hwbp-target\) is not a descendant of this watcher \(pid \d+\)", scope1);
        Assert.Contains("run the watch with CAP_SYS_PTRACE", scope1, StringComparison.Ordinal);
        Assert.Contains("prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY)", scope1, StringComparison.Ordinal);
        Assert.Contains("sysctl kernel.yama.ptrace_scope=0", scope1, StringComparison.Ordinal);
        Assert.Contains("here: uid 65534, CAP_PERFMON no, CAP_SYS_PTRACE no, CAP_SYS_ADMIN no, perf_event_paranoid ", scope1, StringComparison.Ordinal);
        Assert.Contains("Yama ptrace_scope 1)", scope1, StringComparison.Ordinal);

        var scope2 = Refusal(result, "scope2", context);
        Assert.Contains("Yama refuses it: /proc/sys/kernel/yama/ptrace_scope is 2 (admin-only attach", scope2, StringComparison.Ordinal);
        Assert.Contains("this watcher lacks CAP_SYS_PTRACE", scope2, StringComparison.Ordinal);

        foreach (var name in new[] { "scope3", "scope3-root" })
        {
            var scope3 = Refusal(result, name, context);
            Assert.Contains("Yama refuses it: /proc/sys/kernel/yama/ptrace_scope is 3 (no attach: no process may attach, not even root", scope3, StringComparison.Ordinal);
            Assert.Contains("use --backend perf", scope3, StringComparison.Ordinal);
        }

        Assert.Contains("here: uid 0, CAP_PERFMON yes, CAP_SYS_PTRACE yes", result.ReadResult("scope3-root.err"), StringComparison.Ordinal);

        // Scope 3 is for good: not even root lowers it.
        Assert.NotEqual("0", result.ReadResult("scope3-lower.rc").Trim());

        foreach (var name in new[] { "scope1-ptracer-any", "scope1-descendant", "scope1-root", "scope0", "scope3-perf" })
        {
            var error = result.ReadResult($"{name}.err");
            var hits = result.ReadResult($"{name}.jsonl").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.True(hits.Count == Iterations, $"{name}: {hits.Count} hits, expected {Iterations}\n{error}{context}");
            Assert.True(result.ReadResult($"{name}.rc").Trim() == "143", $"{name}: {error}{context}");
            Assert.Contains("detached", error, StringComparison.Ordinal);
            Assert.Contains("TracerPid:\t0", result.ReadResult($"{name}.tracer"), StringComparison.Ordinal);
        }
    }

    // A refusal: exit 1, no hit printed, the target alive and untraced; returns the error text.
    private static string Refusal(LabResult result, string name, string context)
    {
        var error = result.ReadResult($"{name}.err");
        Assert.True(result.ReadResult($"{name}.rc").Trim() == "1", $"{name}: {error}{context}");
        Assert.Contains("ptrace(PTRACE_SEIZE, pid ", error, StringComparison.Ordinal);
        Assert.Contains("operation not permitted: ", error, StringComparison.Ordinal);
        Assert.EndsWith("[EPERM]", error.Trim(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.ReadResult($"{name}.out"));
        Assert.Contains("TracerPid:\t0", result.ReadResult($"{name}.tracer"), StringComparison.Ordinal);
        Assert.Equal("alive", result.ReadResult($"{name}.alive").Trim());
        return error;
    }
}
