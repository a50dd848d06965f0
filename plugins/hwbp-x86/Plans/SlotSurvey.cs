using Framework.Plugins.HwbpX86.Arch;
using Framework.Plugins.HwbpX86.Native;
using Framework.Plugins.HwbpX86.Slots;

namespace Framework.Plugins.HwbpX86.Plans;

/// <summary>
/// This machine's slot accounting in one look: for a task on every CPU, a task on one CPU and one
/// CPU, how many write breakpoints fit before ENOSPC, and whether an instruction breakpoint still
/// fits beside them, on the model and (when asked) on the kernel.
/// </summary>
public static class SlotSurvey
{
    /// <summary>One line of the survey.</summary>
    /// <param name="Binding">What the breakpoints are bound to.</param>
    /// <param name="Model">How many the model accepts.</param>
    /// <param name="Kernel">How many the kernel accepts, or null when it was not asked.</param>
    /// <param name="KernelError">The errno that stopped the kernel (ENOSPC when the slots ran out).</param>
    public sealed record Line(string Binding, int Model, int? Kernel, Errno? KernelError);

    /// <summary>Runs the survey; <paramref name="kernel"/> also asks the running kernel.</summary>
    public static IReadOnlyList<Line> Run(CpuTopology topology, bool kernel)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var cpu = topology.Online[0];
        (string Binding, int? Cpu, string? Task)[] bindings =
        [
            ("task on every CPU", null, "survey"),
            ($"task on CPU {cpu}", cpu, "survey"),
            ($"CPU {cpu} (CPU-bound)", cpu, null),
        ];
        var lines = new List<Line>();
        foreach (var (binding, c, task) in bindings)
        {
            using var model = new ModelSlotTarget(topology);
            var predicted = Fill(model, c, task).Count;
            int? actual = null;
            Errno? error = null;
            if (kernel)
            {
                using var real = new KernelSlotTarget(topology);
                var (count, errno) = Fill(real, c, task);
                actual = count;
                error = errno;
            }

            lines.Add(new Line(binding, predicted, actual, error));
        }

        return lines;
    }

    private static (int Count, Errno Errno) Fill(ISlotPlanTarget target, int? cpu, string? task)
    {
        for (var i = 0; i < 64; i++)
        {
            var type = i % 2 == 0 ? HwBreakpointType.Write : HwBreakpointType.Execute;
            var check = target.Open("s" + i, cpu, task, type, target.AddressOf(i), X86BreakpointRules.KernelLength(type, 8), pinned: true);
            if (!check.IsOk)
            {
                return (i, check.Errno);
            }
        }

        return (64, Errno.None);
    }
}
