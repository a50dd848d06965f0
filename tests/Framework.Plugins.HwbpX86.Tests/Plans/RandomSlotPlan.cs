using Framework.Plugins.HwbpX86.Plans;
using Framework.Plugins.HwbpX86.Slots;

namespace Framework.Plugins.HwbpX86.Tests.Plans;

/// <summary>Random slot plans over CPU-bound and task-bound, pinned and flexible, one-CPU and
/// every-CPU breakpoints of every type, with modifications and closes; mostly valid breakpoints,
/// some the x86 rules refuse, so both orders of checks are exercised.</summary>
internal static class RandomSlotPlan
{
    private static readonly HwBreakpointType[] Types =
        [HwBreakpointType.Write, HwBreakpointType.Write, HwBreakpointType.ReadWrite, HwBreakpointType.ReadWrite, HwBreakpointType.Execute, HwBreakpointType.Execute, HwBreakpointType.Read];

    private static readonly ulong[] Lengths = [1, 2, 4, 8, 8, 8, 1, 1, 3, 16];

    public static SlotPlan Generate(int seed, int steps, CpuTopology topology, int tasks = 3)
    {
        var random = new Random(seed);
        var open = new List<string>();
        var plan = new List<SlotPlanStep>(steps);
        var next = 0;
        for (var i = 0; i < steps; i++)
        {
            var roll = random.Next(100);
            if (open.Count == 0 || (roll < 50 && open.Count < 40))
            {
                var name = "b" + next++;
                int? cpu = random.Next(3) == 0 ? null : topology.Online[random.Next(topology.Online.Count)];
                string? task = random.Next(4) == 0 ? null : "t" + random.Next(tasks);
                plan.Add(new SlotPlanStep(SlotPlanOp.Open, name, cpu, task, Type(random), Lengths[random.Next(Lengths.Length)], random.Next(3) != 0));
                open.Add(name);
            }
            else if (roll < 70)
            {
                var name = open[random.Next(open.Count)];
                var which = random.Next(3);
                plan.Add(new SlotPlanStep(SlotPlanOp.Modify, name,
                    Type: which != 1 ? Type(random) : null,
                    Length: which != 0 ? Lengths[random.Next(Lengths.Length)] : null));
            }
            else
            {
                var index = random.Next(open.Count);
                plan.Add(new SlotPlanStep(SlotPlanOp.Close, open[index]));
                open.RemoveAt(index);
            }
        }

        return new SlotPlan(plan);
    }

    private static HwBreakpointType Type(Random random) => Types[random.Next(Types.Length)];
}
