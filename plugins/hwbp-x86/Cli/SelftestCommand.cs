using System.Globalization;
using System.Text.Json;
using Framework.Abstractions.Commands;
using Framework.Plugins.HwbpX86.SelfTest;

namespace Framework.Plugins.HwbpX86.Cli;

/// <summary><c>framework hwbp selftest [--json]</c>: arms a write watchpoint on this process's own
/// memory, writes to it, and says whether the hits were delivered. Exit 0 when they were, 1 when not.</summary>
internal static class SelftestCommand
{
    public static PluginCommand Create()
    {
        var command = new PluginCommand("selftest", "Arm a write watchpoint on this process's memory, write to it, and report whether hits are delivered here.");
        command.Options.Add(new PluginOption("--json", "Print the result as JSON.", IsFlag: true));
        command.Handler = (context, cancellationToken) =>
        {
            var result = BreakpointSelfTest.Run();
            if (context.HasFlag("--json"))
            {
                context.Console.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["armed"] = result.Armed,
                    ["delivered"] = result.Delivered,
                    ["writes"] = result.Writes,
                    ["counted"] = result.Counted,
                    ["sampled"] = result.Sampled,
                    ["exact"] = result.Exact,
                    ["countedBeforeWrites"] = result.CountedBeforeWrites,
                    ["foreignSamples"] = result.ForeignSamples,
                    ["lostRecords"] = result.LostRecords,
                    ["address"] = string.Create(CultureInfo.InvariantCulture, $"0x{result.Address:x}"),
                    ["tid"] = result.Tid,
                    ["firstHitIp"] = result.FirstHitInstructionPointer is { } ip ? string.Create(CultureInfo.InvariantCulture, $"0x{ip:x}") : null,
                    ["verdict"] = result.Verdict,
                    ["error"] = result.Error,
                }));
            }
            else
            {
                context.Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"armed a write watchpoint on 0x{result.Address:x} (8 bytes) for thread {result.Tid} through perf_event_open: {(result.Armed ? "accepted" : "refused")}"));
                if (result.Armed)
                {
                    context.Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote it {result.Writes} times: {result.Counted} hits counted, {result.Sampled} samples"));
                }

                context.Console.Out.WriteLine(result.Verdict);
            }

            return Task.FromResult(result.Delivered ? 0 : 1);
        };
        return command;
    }
}
