using Framework.Plugins.HwbpX86.Plans;
using Framework.Plugins.HwbpX86.Slots;

namespace Framework.Plugins.HwbpX86.Tests.Slots;

/// <summary>
/// One scenario of the kernel's KUnit test (kernel/events/hw_breakpoint_test.c) written as a slot
/// plan with the result each step must give: read-write breakpoints of one byte, "current" and a
/// second task, the first and second online CPU, four slots.
/// </summary>
internal sealed class KUnitScenario
{
    public const string Current = "current";
    public const string Other = "other";
    private readonly List<SlotPlanStep> _steps = [];
    private readonly List<string> _expected = [];
    private int _next;

    public KUnitScenario(string name, CpuTopology topology)
    {
        Name = name;
        Topology = topology;
    }

    public string Name { get; }

    public CpuTopology Topology { get; }

    public int Slots => 4;

    public int Cpu(int n) => Topology.Online[n];

    public SlotPlan Plan => new(_steps);

    public IReadOnlyList<string> Expected => _expected;

    /// <summary>fill_one_bp_slot: registers one and expects success; returns its name.</summary>
    public string FillOne(int? cpu, string? task)
    {
        var name = "bp" + _next++;
        _steps.Add(new SlotPlanStep(SlotPlanOp.Open, name, cpu, task, HwBreakpointType.ReadWrite, 1));
        _expected.Add("ok");
        return name;
    }

    /// <summary>fill_bp_slots: fills all but <paramref name="skip"/> slots; returns the names.</summary>
    public List<string> Fill(int? cpu, string? task, int skip = 0) =>
        Enumerable.Range(0, Slots - skip).Select(_ => FillOne(cpu, task)).ToList();

    /// <summary>TEST_EXPECT_NOSPC(register_test_bp(...)).</summary>
    public void ExpectNoSpace(int? cpu, string? task)
    {
        _steps.Add(new SlotPlanStep(SlotPlanOp.Open, "probe" + _next++, cpu, task, HwBreakpointType.ReadWrite, 1));
        _expected.Add("ENOSPC");
    }

    /// <summary>unregister_test_bp.</summary>
    public void Unregister(string name)
    {
        _steps.Add(new SlotPlanStep(SlotPlanOp.Close, name));
        _expected.Add("ok");
    }

    public override string ToString() => Name;

    /// <summary>Every scenario of hw_breakpoint_test.c, in its order.</summary>
    public static IReadOnlyList<KUnitScenario> All(CpuTopology topology) =>
    [
        OneCpu(topology), ManyCpus(topology), OneTaskOnAllCpus(topology), TwoTasksOnAllCpus(topology),
        OneTaskOnOneCpu(topology), OneTaskMixed(topology), TwoTasksOnOneCpu(topology),
        TwoTasksOnOneAllCpus(topology), TaskOnAllAndOneCpu(topology),
    ];

    public static KUnitScenario OneCpu(CpuTopology topology)
    {
        var s = new KUnitScenario("one_cpu", topology);
        s.Fill(s.Cpu(0), null);
        s.ExpectNoSpace(null, Current);
        s.ExpectNoSpace(s.Cpu(0), null);
        return s;
    }

    public static KUnitScenario ManyCpus(CpuTopology topology)
    {
        var s = new KUnitScenario("many_cpus", topology);
        foreach (var cpu in topology.Online)
        {
            s.Fill(cpu, null);
            s.ExpectNoSpace(cpu, null);
        }

        return s;
    }

    public static KUnitScenario OneTaskOnAllCpus(CpuTopology topology)
    {
        var s = new KUnitScenario("one_task_on_all_cpus", topology);
        var filled = s.Fill(null, Current);
        s.ExpectNoSpace(null, Current);
        s.ExpectNoSpace(s.Cpu(0), Current);
        s.ExpectNoSpace(s.Cpu(0), null);
        s.Unregister(filled[0]);
        s.FillOne(s.Cpu(0), null);
        return s;
    }

    public static KUnitScenario TwoTasksOnAllCpus(CpuTopology topology)
    {
        var s = new KUnitScenario("two_tasks_on_all_cpus", topology);
        var first = s.Fill(null, Current);
        s.Fill(null, Other);
        s.ExpectNoSpace(null, Current);
        s.ExpectNoSpace(null, Other);
        s.ExpectNoSpace(s.Cpu(0), Current);
        s.ExpectNoSpace(s.Cpu(0), Other);
        s.ExpectNoSpace(s.Cpu(0), null);
        s.Unregister(first[0]);
        s.ExpectNoSpace(s.Cpu(0), null);
        return s;
    }

    public static KUnitScenario OneTaskOnOneCpu(CpuTopology topology)
    {
        var s = new KUnitScenario("one_task_on_one_cpu", topology);
        var filled = s.Fill(s.Cpu(0), Current);
        s.ExpectNoSpace(null, Current);
        s.ExpectNoSpace(s.Cpu(0), Current);
        s.ExpectNoSpace(s.Cpu(0), null);
        s.Unregister(filled[0]);
        s.FillOne(s.Cpu(0), null);
        return s;
    }

    public static KUnitScenario OneTaskMixed(CpuTopology topology)
    {
        var s = new KUnitScenario("one_task_mixed", topology);
        var first = s.FillOne(s.Cpu(0), Current);
        var rest = s.Fill(null, Current, skip: 1);
        s.ExpectNoSpace(null, Current);
        s.ExpectNoSpace(s.Cpu(0), Current);
        s.ExpectNoSpace(s.Cpu(0), null);
        s.Unregister(first);
        s.Unregister(rest[0]);
        s.FillOne(s.Cpu(0), null);
        s.FillOne(s.Cpu(0), null);
        s.ExpectNoSpace(s.Cpu(0), null);
        return s;
    }

    public static KUnitScenario TwoTasksOnOneCpu(CpuTopology topology)
    {
        var s = new KUnitScenario("two_tasks_on_one_cpu", topology);
        s.Fill(s.Cpu(0), Current);
        s.Fill(s.Cpu(0), Other);
        s.ExpectNoSpace(null, Current);
        s.ExpectNoSpace(null, Other);
        s.ExpectNoSpace(s.Cpu(0), Current);
        s.ExpectNoSpace(s.Cpu(0), Other);
        s.ExpectNoSpace(s.Cpu(0), null);
        s.Fill(s.Cpu(1), null);
        return s;
    }

    public static KUnitScenario TwoTasksOnOneAllCpus(CpuTopology topology)
    {
        var s = new KUnitScenario("two_tasks_on_one_all_cpus", topology);
        s.Fill(s.Cpu(0), Current);
        s.Fill(null, Other);
        s.ExpectNoSpace(null, Current);
        s.ExpectNoSpace(null, Other);
        s.ExpectNoSpace(s.Cpu(0), Current);
        s.ExpectNoSpace(s.Cpu(0), Other);
        s.ExpectNoSpace(s.Cpu(0), null);
        s.ExpectNoSpace(s.Cpu(1), null);
        return s;
    }

    public static KUnitScenario TaskOnAllAndOneCpu(CpuTopology topology)
    {
        var s = new KUnitScenario("task_on_all_and_one_cpu", topology);
        s.Fill(null, Current, skip: 2);
        var taskOnCpu = s.FillOne(s.Cpu(0), Current);
        s.FillOne(null, Current);
        s.ExpectNoSpace(null, Current);
        s.ExpectNoSpace(s.Cpu(0), Current);
        s.ExpectNoSpace(s.Cpu(0), null);
        var cpuBound = s.FillOne(s.Cpu(1), null);
        s.ExpectNoSpace(s.Cpu(1), null);
        s.Unregister(taskOnCpu);
        s.ExpectNoSpace(null, Current);
        s.Unregister(cpuBound);
        s.FillOne(null, Current);
        s.ExpectNoSpace(null, Current);
        s.ExpectNoSpace(s.Cpu(0), Current);
        s.ExpectNoSpace(s.Cpu(0), null);
        s.ExpectNoSpace(s.Cpu(1), null);
        return s;
    }
}
