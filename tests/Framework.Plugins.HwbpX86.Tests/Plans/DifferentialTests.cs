using System.Globalization;
using Framework.Plugins.HwbpX86.Plans;
using Framework.Plugins.HwbpX86.Slots;

namespace Framework.Plugins.HwbpX86.Tests.Plans;

/// <summary>The model against the running kernel: random plans of thousands of steps, and the two
/// must give the same result (ok or the same errno) at every step.</summary>
[Collection(KernelSlotsCollection.Name)]
public sealed class DifferentialTests
{
    [KernelSlotsFact]
    public void Model_and_kernel_agree_on_every_step_of_random_plans()
    {
        var topology = CpuTopology.FromSystem();
        var steps = 0;
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var seed in new[] { 1, 2, 3, 4, 5, 6, 7, 8 })
        {
            var plan = RandomSlotPlan.Generate(seed, 1500, topology, tasks: seed % 3 + 1);
            var disagreements = Compare(plan, topology, outcomes);
            Assert.True(disagreements.Count == 0, $"seed {seed}: model and kernel disagree:\n{string.Join('\n', disagreements.Take(10))}");
            steps += plan.Steps.Count;
        }

        Assert.Equal(12_000, steps);

        // The plans must have reached full slots and the x86 rules, or the agreement proves little.
        Assert.True(outcomes.GetValueOrDefault("ENOSPC") > 100, Summary(outcomes));
        Assert.True(outcomes.GetValueOrDefault("EINVAL") > 100, Summary(outcomes));
        Assert.True(outcomes.GetValueOrDefault("ok") > 1000, Summary(outcomes));
    }

    [KernelSlotsFact]
    public void Model_and_kernel_agree_with_one_task_crowded_on_every_cpu()
    {
        var topology = CpuTopology.FromSystem();
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var seed in new[] { 11, 12, 13 })
        {
            var plan = RandomSlotPlan.Generate(seed, 1000, topology, tasks: 1);
            var disagreements = Compare(plan, topology, outcomes);
            Assert.True(disagreements.Count == 0, $"seed {seed}:\n{string.Join('\n', disagreements.Take(10))}");
        }
    }

    internal static List<string> Compare(SlotPlan plan, CpuTopology topology, Dictionary<string, int> outcomes)
    {
        using var model = new ModelSlotTarget(topology);
        using var kernel = new KernelSlotTarget(topology);
        var predicted = SlotPlanRunner.Run(plan, model);
        var actual = SlotPlanRunner.Run(plan, kernel);
        var disagreements = new List<string>();
        for (var i = 0; i < plan.Steps.Count; i++)
        {
            outcomes[actual[i].Result] = outcomes.GetValueOrDefault(actual[i].Result) + 1;
            if (predicted[i].Result != actual[i].Result)
            {
                var s = plan.Steps[i];
                disagreements.Add(string.Create(CultureInfo.InvariantCulture,
                    $"step {i + 1} {s.OpName} {s.Name} cpu={s.Cpu?.ToString(CultureInfo.InvariantCulture) ?? "all"} task={s.Task ?? "-"} type={s.Type} len={s.Length}: model {predicted[i].Result}, kernel {actual[i].Result}"));
            }
        }

        return disagreements;
    }

    private static string Summary(Dictionary<string, int> outcomes) => string.Join(", ", outcomes.Select(o => $"{o.Key}={o.Value}"));
}
