using Framework.Plugins.HwbpX86.Native;
using Framework.Plugins.HwbpX86.Slots;

namespace Framework.Plugins.HwbpX86.Tests.Slots;

public sealed class BreakpointConstraintsTests
{
    private static readonly CpuTopology TwoCpus = new(2);

    private static SlotBreakpoint Task(string task, HwBreakpointType type = HwBreakpointType.Write, int cpu = -1, ulong length = 8) =>
        new(cpu, task, type, 0x1000, length);

    [Fact]
    public void Instruction_and_data_breakpoints_share_the_four_x86_debug_registers()
    {
        var constraints = new BreakpointConstraints(TwoCpus);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(constraints.Register(Task("t")).IsOk);
        }

        var execute = constraints.Register(Task("t", HwBreakpointType.Execute));
        Assert.Equal(Errno.ENOSPC, execute.Errno);
        Assert.Contains("out of debug registers", execute.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_mixed_registers_each_type_has_its_own_slots()
    {
        var constraints = new BreakpointConstraints(TwoCpus, mixedRegisters: false);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(constraints.Register(Task("t")).IsOk);
        }

        Assert.True(constraints.Register(Task("t", HwBreakpointType.Execute)).IsOk);
        Assert.Equal(Errno.ENOSPC, constraints.Register(Task("t")).Errno);
    }

    [Fact]
    public void Failed_modification_to_a_full_type_keeps_the_old_reservation_and_attributes()
    {
        var constraints = new BreakpointConstraints(TwoCpus, mixedRegisters: false);
        var executes = Enumerable.Range(0, 4).Select(_ => Task("t", HwBreakpointType.Execute)).ToList();
        executes.ForEach(e => Assert.True(constraints.Register(e).IsOk));
        var watch = Task("t", HwBreakpointType.Write, length: 4);
        Assert.True(constraints.Register(watch).IsOk);

        var modified = constraints.Modify(watch, HwBreakpointType.Execute, 0x2000, 8);

        Assert.Equal(Errno.ENOSPC, modified.Errno);
        Assert.Equal(HwBreakpointType.Write, watch.Type);
        Assert.Equal(0x1000UL, watch.Address);
        Assert.Equal(4UL, watch.Length);
        // The data slot is still held: three more fit, a fifth does not.
        for (var i = 0; i < 3; i++)
        {
            Assert.True(constraints.Register(Task("t")).IsOk);
        }

        Assert.Equal(Errno.ENOSPC, constraints.Register(Task("t")).Errno);
    }

    [Fact]
    public void Modification_the_x86_rules_refuse_changes_nothing()
    {
        var constraints = new BreakpointConstraints(TwoCpus);
        var watch = Task("t");
        Assert.True(constraints.Register(watch).IsOk);
        var modified = constraints.Modify(watch, HwBreakpointType.Read, 0x1000, 8);
        Assert.Equal(Errno.EINVAL, modified.Errno);
        Assert.Contains("rw", modified.Message, StringComparison.Ordinal);
        Assert.Equal(HwBreakpointType.Write, watch.Type);
    }

    [Fact]
    public void With_every_slot_taken_even_a_malformed_breakpoint_gets_ENOSPC_as_the_kernel_reserves_before_it_parses()
    {
        var constraints = new BreakpointConstraints(TwoCpus);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(constraints.Register(Task("t")).IsOk);
        }

        Assert.Equal(Errno.ENOSPC, constraints.Register(Task("t", HwBreakpointType.Read, length: 3)).Errno);
        Assert.Equal(Errno.EINVAL, constraints.Register(Task("u", HwBreakpointType.Read, length: 3)).Errno);
    }

    [Fact]
    public void Refused_breakpoint_gives_its_slot_back()
    {
        var constraints = new BreakpointConstraints(TwoCpus);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(Errno.EINVAL, constraints.Register(Task("t", length: 3)).Errno);
        }

        Assert.True(constraints.IsEmpty);
    }

    [Fact]
    public void Cpu_bound_breakpoint_needs_a_cpu_that_exists_and_is_online()
    {
        var constraints = new BreakpointConstraints(new CpuTopology(4, [0, 1]));
        Assert.Equal(Errno.EINVAL, constraints.Register(new SlotBreakpoint(-1, null, HwBreakpointType.Write, 0x1000, 8)).Errno);
        Assert.Equal(Errno.EINVAL, constraints.Register(new SlotBreakpoint(4, null, HwBreakpointType.Write, 0x1000, 8)).Errno);
        Assert.Equal(Errno.ENODEV, constraints.Register(new SlotBreakpoint(3, null, HwBreakpointType.Write, 0x1000, 8)).Errno);
        Assert.True(constraints.IsEmpty);
    }

    [Fact]
    public void Flexible_breakpoints_are_accounted_as_pinned()
    {
        var constraints = new BreakpointConstraints(TwoCpus);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(constraints.Register(new SlotBreakpoint(0, null, HwBreakpointType.Write, 0x1000, 8, pinned: false)).IsOk);
        }

        Assert.Equal(Errno.ENOSPC, constraints.Register(new SlotBreakpoint(0, null, HwBreakpointType.Write, 0x1000, 8, pinned: false)).Errno);
    }

    [Fact]
    public void Releasing_everything_in_any_order_leaves_the_tables_empty()
    {
        var random = new Random(7);
        var constraints = new BreakpointConstraints(new CpuTopology(3));
        var held = new List<SlotBreakpoint>();
        for (var i = 0; i < 2000; i++)
        {
            if (held.Count > 0 && random.Next(3) == 0)
            {
                var index = random.Next(held.Count);
                constraints.Unregister(held[index]);
                held.RemoveAt(index);
                continue;
            }

            var bp = new SlotBreakpoint(random.Next(-1, 3), random.Next(3) == 0 ? null : "t" + random.Next(3), HwBreakpointType.ReadWrite, 0x1000, 4);
            if (constraints.Register(bp).IsOk)
            {
                held.Add(bp);
            }
        }

        held.ForEach(constraints.Unregister);
        Assert.True(constraints.IsEmpty);
    }
}
