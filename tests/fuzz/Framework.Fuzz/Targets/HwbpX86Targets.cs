using Framework.Plugins.HwbpX86.Perf;
using Framework.Plugins.HwbpX86.Plans;
using Framework.Plugins.HwbpX86.Slots;
using Framework.Plugins.HwbpX86.Symbols;

namespace Framework.Fuzz.Targets;

/// <summary>hwbp-x86's parsers: slot plans (parsed and replayed against the slot model, as
/// <c>hwbp slots --plan</c> does), ELF symbol files and the perf ring's breakpoint records.</summary>
public static class HwbpX86Targets
{
    private const string Assembly = "Framework.Plugins.HwbpX86.dll";

    /// <summary>The targets.</summary>
    public static IEnumerable<FuzzTarget> All =>
    [
        new("hwbp-slot-plan", "slot plan JSON: SlotPlan.Parse, then SlotPlanRunner.Run against ModelSlotTarget (4 CPUs)", [Assembly], SlotPlanJson),
        new("hwbp-elf-symbols", "ELF64 symbol file of a watched process: ElfImage.Parse (program headers, .symtab, .dynsym)", [Assembly], ElfSymbols),
        new("hwbp-perf-record", "perf ring records of a breakpoint event: PerfRecordParser.Parse record after record", [Assembly], PerfRecords),
    ];

    private static void SlotPlanJson(ReadOnlySpan<byte> input)
    {
        SlotPlan plan;
        try
        {
            plan = SlotPlan.Parse(input);
        }
        catch (SlotPlanException)
        {
            return;
        }

        using var model = new ModelSlotTarget(new CpuTopology(4));
        _ = SlotPlanRunner.Run(plan, model);
        _ = SlotPlan.Parse(System.Text.Encoding.UTF8.GetBytes(plan.ToJson()));
    }

    private static void ElfSymbols(ReadOnlySpan<byte> input)
    {
        var image = ElfImage.Parse(input);
        if (image.Error is null)
        {
            foreach (var symbol in image.Symbols)
            {
                _ = symbol.ToString();
            }
        }
    }

    private static void PerfRecords(ReadOnlySpan<byte> input)
    {
        // The parser is called for every input, the empty one and the end of the input included
        // (where it reports a short header), as the ring reader does: a target whose run can skip
        // all instrumented code leaves afl's map empty, and afl-fuzz aborts with "No
        // instrumentation detected" when that happens on its first execution.
        var at = 0;
        while (true)
        {
            var record = PerfRecordParser.Parse(input[at..]);
            if (record.Error is not null || record.Size <= 0)
            {
                return;
            }

            at += record.Size;
        }
    }
}
