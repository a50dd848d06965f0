using System.Globalization;
using System.Text.Json;
using Framework.Abstractions.Commands;
using Framework.Plugins.HwbpX86.Arch;
using Framework.Plugins.HwbpX86.Plans;
using Framework.Plugins.HwbpX86.Slots;

namespace Framework.Plugins.HwbpX86.Cli;

/// <summary><c>framework hwbp slots [--plan FILE] [--json] [--kernel]</c>: replays a slot plan on the
/// model (and the kernel), or without a plan shows how many breakpoints fit on this machine.</summary>
internal static class SlotsCommand
{
    public static PluginCommand Create()
    {
        var command = new PluginCommand("slots", "Replay a breakpoint slot plan on the kernel's constraint model (and with --kernel on the kernel itself); without --plan, show this machine's slots.");
        command.Options.Add(new PluginOption("--plan", "A JSON array of steps: {\"op\":\"open\",\"name\":\"a\",\"cpu\":0,\"task\":\"t1\",\"type\":\"w\",\"len\":8,\"pinned\":true}, {\"op\":\"modify\",\"name\":\"a\",\"type\":\"rw\",\"len\":4}, {\"op\":\"close\",\"name\":\"a\"}."));
        command.Options.Add(new PluginOption("--json", "Print a JSON array of {\"name\",\"op\",\"result\"} (with --kernel also \"kernel\" and \"agree\").", IsFlag: true));
        command.Options.Add(new PluginOption("--kernel", "Also run the plan through perf_event_open (threads are created for the named tasks) and compare.", IsFlag: true));
        command.Handler = (context, cancellationToken) => Task.FromResult(Run(context, cancellationToken));
        return command;
    }

    private static int Run(CommandContext context, CancellationToken cancellationToken)
    {
        var topology = CpuTopology.FromSystem();
        var json = context.HasFlag("--json");
        var kernel = context.HasFlag("--kernel");
        if (context.GetOption("--plan") is null)
        {
            return Survey(context, topology, json, kernel);
        }

        var path = context.GetExistingFile("--plan");
        SlotPlan plan;
        try
        {
            plan = SlotPlan.Parse(Framework.Abstractions.Files.InputFile.ReadAllBytes(path, "--plan", Framework.Abstractions.Files.InputFile.SmallLimit));
        }
        catch (SlotPlanException e)
        {
            // A malformed input file is a run-time failure (1), not a usage error.
            throw new CommandFailedException($"{context.CommandPath}: {path}: {e.Message}", e);
        }

        using var model = new ModelSlotTarget(topology, X86BreakpointRules.HasRangeExtension());
        var predicted = SlotPlanRunner.Run(plan, model, cancellationToken: cancellationToken);
        IReadOnlyList<SlotStepResult>? actual = null;
        if (kernel)
        {
            using var real = new KernelSlotTarget(topology);
            actual = SlotPlanRunner.Run(plan, real, cancellationToken: cancellationToken);
        }

        var disagreements = actual is null ? 0 : predicted.Zip(actual).Count(p => p.First.Result != p.Second.Result);
        if (json)
        {
            WriteJson(context.Console.Out, predicted, actual);
        }
        else
        {
            WriteTable(context, predicted, actual);
            context.Console.Out.WriteLine(actual is null
                ? string.Create(CultureInfo.InvariantCulture, $"{predicted.Count} steps on the model ({topology}; {X86BreakpointRules.DebugRegisterCount} debug registers shared by instruction and data breakpoints).")
                : string.Create(CultureInfo.InvariantCulture, $"{predicted.Count} steps: model and kernel {(disagreements == 0 ? "agree on every step" : $"disagree on {disagreements}")}."));
        }

        return disagreements == 0 ? 0 : 1;
    }

    private static void WriteTable(CommandContext context, IReadOnlyList<SlotStepResult> predicted, IReadOnlyList<SlotStepResult>? actual)
    {
        var columns = new List<string> { "step", "op", "name", "cpu", "task", "type", "len", "model" };
        if (actual is not null)
        {
            columns.AddRange(["kernel", "agree"]);
        }

        columns.Add("why");
        var rows = predicted.Select((p, i) =>
        {
            var s = p.Step;
            var row = new List<string>
            {
                (i + 1).ToString(CultureInfo.InvariantCulture), s.OpName, s.Name,
                s.Op == SlotPlanOp.Open ? s.Cpu?.ToString(CultureInfo.InvariantCulture) ?? "all" : string.Empty,
                s.Op == SlotPlanOp.Open ? s.Task ?? "(cpu)" : string.Empty,
                s.Type?.ToShortName() ?? string.Empty,
                s.Length?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                p.Result,
            };
            if (actual is not null)
            {
                row.Add(actual[i].Result);
                row.Add(actual[i].Result == p.Result ? "yes" : "NO");
            }

            row.Add(p.Message);
            return (IReadOnlyList<string>)row;
        });
        context.Console.WriteTable("slot plan", columns, rows);
    }

    private static void WriteJson(TextWriter output, IReadOnlyList<SlotStepResult> predicted, IReadOnlyList<SlotStepResult>? actual)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            for (var i = 0; i < predicted.Count; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("name", predicted[i].Step.Name);
                writer.WriteString("op", predicted[i].Step.OpName);
                writer.WriteString("result", predicted[i].Result);
                if (actual is not null)
                {
                    writer.WriteString("kernel", actual[i].Result);
                    writer.WriteBoolean("agree", actual[i].Result == predicted[i].Result);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static int Survey(CommandContext context, CpuTopology topology, bool json, bool kernel)
    {
        var lines = SlotSurvey.Run(topology, kernel);
        if (json)
        {
            context.Console.Out.WriteLine(JsonSerializer.Serialize(lines.Select(l => new Dictionary<string, object?>
            {
                ["binding"] = l.Binding,
                ["model"] = l.Model,
                ["kernel"] = l.Kernel,
                ["kernelStop"] = l.KernelError?.ToString(),
            })));
        }
        else
        {
            context.Console.WriteTable(
                string.Create(CultureInfo.InvariantCulture, $"breakpoint slots on this machine ({topology})"),
                kernel ? ["bound to", "model accepts", "kernel accepts", "kernel stopped with"] : ["bound to", "model accepts"],
                lines.Select(l => (IReadOnlyList<string>)(kernel
                    ? [l.Binding, l.Model.ToString(CultureInfo.InvariantCulture), l.Kernel?.ToString(CultureInfo.InvariantCulture) ?? "-", l.KernelError?.ToString() ?? "-"]
                    : [l.Binding, l.Model.ToString(CultureInfo.InvariantCulture)])));
            context.Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"x86: {X86BreakpointRules.DebugRegisterCount} debug registers (DR0-DR3) shared by instruction and data breakpoints; the kernel accounts flexible breakpoints as pinned."));
        }

        return lines.All(l => l.Kernel is null || l.Kernel == l.Model) ? 0 : 1;
    }
}
