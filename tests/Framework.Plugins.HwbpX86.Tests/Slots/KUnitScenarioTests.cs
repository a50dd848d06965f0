using Framework.Plugins.HwbpX86.Plans;
using Framework.Plugins.HwbpX86.Slots;

namespace Framework.Plugins.HwbpX86.Tests.Slots;

/// <summary>Every scenario of the kernel's own KUnit test, on the model (with two and with four
/// CPUs) and on the running kernel: each registration that fills a slot succeeds, each probe of a
/// full slot gets ENOSPC, and a release makes room exactly where the kernel says.</summary>
[Collection(KernelSlotsCollection.Name)]
public sealed class KUnitScenarioTests
{
    public static TheoryData<string> Names => new(KUnitScenario.All(new CpuTopology(2)).Select(s => s.Name));

    [Theory]
    [MemberData(nameof(Names))]
    public void Model_gives_the_kunit_results_on_two_cpus(string name) => AssertModel(name, new CpuTopology(2));

    [Theory]
    [MemberData(nameof(Names))]
    public void Model_gives_the_kunit_results_on_four_cpus_with_one_offline(string name) => AssertModel(name, new CpuTopology(4, [0, 1, 3]));

    [KernelSlotsFact(MinimumCpus = 2)]
    public void Kernel_gives_the_kunit_results_for_every_scenario()
    {
        var topology = CpuTopology.FromSystem();
        foreach (var scenario in KUnitScenario.All(topology))
        {
            using var kernel = new KernelSlotTarget(topology);
            var results = SlotPlanRunner.Run(scenario.Plan, kernel);
            Assert.Equal(Describe(scenario, scenario.Expected), Describe(scenario, results.Select(r => r.Result).ToList()));
        }
    }

    [Fact]
    public void Model_is_empty_after_every_scenario_is_closed()
    {
        foreach (var scenario in KUnitScenario.All(new CpuTopology(2)))
        {
            var model = new ModelSlotTarget(scenario.Topology);
            SlotPlanRunner.Run(scenario.Plan, model);
            Assert.False(model.Constraints.IsEmpty);
            model.Dispose();
            Assert.True(model.Constraints.IsEmpty, scenario.Name);
        }
    }

    private static void AssertModel(string name, CpuTopology topology)
    {
        var scenario = KUnitScenario.All(topology).Single(s => s.Name == name);
        using var model = new ModelSlotTarget(topology);
        var results = SlotPlanRunner.Run(scenario.Plan, model);
        Assert.Equal(Describe(scenario, scenario.Expected), Describe(scenario, results.Select(r => r.Result).ToList()));
    }

    private static List<string> Describe(KUnitScenario scenario, IReadOnlyList<string> results) =>
        scenario.Plan.Steps.Select((s, i) => $"{scenario.Name} step {i + 1} {s.OpName} {s.Name} cpu={s.Cpu?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all"} task={s.Task ?? "-"}: {results[i]}").ToList();
}
