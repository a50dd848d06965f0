using System.Buffers.Binary;
using Framework.Plugins.BpfRuntime.Helpers;
using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;
using Microsoft.Extensions.Logging;

namespace Framework.Plugins.BpfRuntime.Tests;

public sealed class HelperTests
{
    [Fact]
    public void Programs_count_through_map_lookup_update_and_atomic_add()
    {
        const string asm = """
            stw [%r10-4], 7
            mov %r2, %r10
            add %r2, -4
            lddw %r1, map_idx(0)
            call 1
            jeq %r0, 0, insert
            mov %r1, 1
            lock add [%r0], %r1
            ja out
            insert:
            stdw [%r10-16], 1
            lddw %r1, map_idx(0)
            mov %r2, %r10
            add %r2, -4
            mov %r3, %r10
            add %r3, -16
            mov %r4, 1
            call 2
            out:
            mov %r0, 0
            exit
            """;
        using var system = new BpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 8));
        using var program = TestSupport.Load(system, asm, maps: map.Fd);
        for (var i = 0; i < 5; i++)
        {
            program.Program.Run([]);
        }

        Assert.Equal(5UL, BinaryPrimitives.ReadUInt64LittleEndian(map.Map.Lookup(BitConverter.GetBytes(7))));
    }

    [Fact]
    public void Map_delete_from_a_program_returns_ENOENT_for_a_missing_key()
    {
        const string asm = "stw [%r10-4], 1\nmov %r2, %r10\nadd %r2, -4\nlddw %r1, map_idx(0)\ncall 3\nexit";
        using var system = new BpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 8));
        using var program = TestSupport.Load(system, asm, maps: map.Fd);
        Assert.Equal(unchecked((ulong)-2L), program.Program.Run([]));
    }

    [Fact]
    public void Direct_array_value_addresses_are_readable_and_writable()
    {
        using var system = new BpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Array, 4, 16, 1));
        using var program = TestSupport.Load(system, "lddw %r1, map_idx_value(0+8)\nstdw [%r1], 42\nldxdw %r0, [%r1]\nexit", maps: map.Fd);
        Assert.Equal(42UL, program.Program.Run([]));
        Assert.Equal(42UL, BinaryPrimitives.ReadUInt64LittleEndian(map.Map.Lookup(BitConverter.GetBytes(0)).AsSpan(8)));
    }

    [Fact]
    public void Map_values_are_bounded_by_the_value_size()
    {
        const string asm = "stw [%r10-4], 0\nmov %r2, %r10\nadd %r2, -4\nlddw %r1, map_idx(0)\ncall 1\nldxdw %r0, [%r0+4]\nexit";
        using var system = new BpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Array, 4, 8, 1));
        using var program = TestSupport.Load(system, asm, maps: map.Fd);
        var e = Assert.Throws<BpfException>(() => program.Program.Run([]));
        Assert.Equal((BpfErrno.EFAULT, 6), (e.Errno, e.InstructionIndex));
    }

    [Fact]
    public void Trace_printk_becomes_a_log_record()
    {
        const string asm = """
            lddw %r1, 0x6425203d2078     # "x = %d"
            stxdw [%r10-8], %r1
            mov %r1, %r10
            add %r1, -8
            mov %r2, 8
            mov %r3, -5
            call 6
            exit
            """;
        var logger = new CapturingLogger();
        using var system = new BpfSystem(logger: logger);
        using var program = TestSupport.Load(system, asm);
        Assert.Equal(6UL, program.Program.Run([]));
        var record = Assert.Single(logger.Records);
        Assert.Equal(LogLevel.Information, record.Level);
        Assert.Contains("x = -5", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tail_calls_replace_the_program_and_stop_after_33()
    {
        // The program counts its runs in the context byte and tail-calls itself; when the 34th
        // run's tail call fails it goes on and returns the count.
        const string asm = """
            mov %r6, %r1
            ldxb %r2, [%r6]
            add %r2, 1
            stxb [%r6], %r2
            lddw %r2, map_idx(0)
            mov %r1, %r6
            mov %r3, 0
            call 12
            ldxb %r0, [%r6]
            exit
            """;
        using var system = new BpfSystem();
        using var jumps = system.CreateMap(new BpfMapDefinition(BpfMapType.ProgramArray, 4, 4, 2));
        using var program = TestSupport.Load(system, asm, maps: jumps.Fd);
        ((ProgramArrayMap)jumps.Map).Set(0, program.Program);
        Assert.Equal(34UL, program.Program.Run(new byte[1]));
    }

    [Theory]
    [InlineData(BpfEngine.Interpreter)]
    [InlineData(BpfEngine.Jit)]
    public void A_tail_call_from_a_subprogram_replaces_it_and_returns_to_its_caller(BpfEngine engine)
    {
        // main keeps 77 in its frame and r6, calls sub; sub tail-calls the target, which reads the
        // context byte through a local call of its own and adds 100; main gets the target's r0 as
        // sub's return value, with its own frame and callee-saved registers intact.
        const string main = """
            mov %r6, 77
            stdw [%r10-8], 77
            call local sub
            ldxdw %r1, [%r10-8]
            add %r0, %r1
            add %r0, %r6
            exit
            sub:
            mov %r6, 1
            stdw [%r10-8], 5
            lddw %r2, map_idx(0)
            mov %r3, 0
            call 12
            mov %r0, 1000
            exit
            """;
        const string target = """
            mov %r6, %r1
            mov %r1, %r6
            call local read
            add %r0, 100
            ldxdw %r1, [%r10-8]
            add %r0, %r1
            exit
            read:
            ldxb %r0, [%r1]
            exit
            """;
        using var system = new BpfSystem();
        using var jumps = system.CreateMap(new BpfMapDefinition(BpfMapType.ProgramArray, 4, 4, 2));
        using var caller = system.LoadProgram(new() { Type = BpfProgramType.Test, Instructions = Assembler.BpfAssembler.Assemble(main), License = "GPL", MapDescriptors = [jumps.Fd] });
        using var callee = system.LoadProgram(new() { Type = BpfProgramType.Test, Instructions = Assembler.BpfAssembler.Assemble(target), License = "GPL" });
        ((ProgramArrayMap)jumps.Map).Set(0, callee.Program);

        // 3 (context) + 100 + 5 (the subprogram's frame, which the target inherits) + 77 + 77.
        var result = caller.Program.TestRun([3], 1, engine);
        Assert.Equal(262UL, result.ReturnValue);
        Assert.Equal(3 + 5 + 9 + 4, result.InstructionsExecuted);
    }

    [Fact]
    public void Tail_call_to_an_empty_slot_continues_with_ENOENT()
    {
        using var system = new BpfSystem();
        using var jumps = system.CreateMap(new BpfMapDefinition(BpfMapType.ProgramArray, 4, 4, 2));
        using var program = TestSupport.Load(system, "lddw %r2, map_idx(0)\nmov %r3, 1\ncall 12\nexit", maps: jumps.Fd);
        Assert.Equal(unchecked((ulong)-2L), program.Program.Run([]));
    }

    [Fact]
    public void Ring_buffer_records_are_reserved_submitted_discarded_and_output()
    {
        const string asm = """
            lddw %r1, map_idx(0)
            mov %r2, 8
            mov %r3, 0
            call 131
            jeq %r0, 0, full
            stdw [%r0], 0x1234
            mov %r1, %r0
            mov %r2, 0
            call 132
            lddw %r1, map_idx(0)
            mov %r2, 16
            mov %r3, 0
            call 131
            mov %r1, %r0
            mov %r2, 0
            call 133
            stw [%r10-4], 0x55
            lddw %r1, map_idx(0)
            mov %r2, %r10
            add %r2, -4
            mov %r3, 4
            mov %r4, 0
            call 130
            exit
            full:
            mov %r0, 1
            exit
            """;
        using var system = new BpfSystem();
        using var ring = system.CreateMap(new BpfMapDefinition(BpfMapType.RingBuffer, 0, 0, 4096));
        using var program = TestSupport.Load(system, asm, maps: ring.Fd);
        Assert.Equal(0UL, program.Program.Run([]));
        var buffer = (RingBufferMap)ring.Map;
        Assert.True(buffer.TryRead(out var first));
        Assert.Equal(0x1234UL, BinaryPrimitives.ReadUInt64LittleEndian(first));
        Assert.True(buffer.TryRead(out var second));
        Assert.Equal([0x55, 0, 0, 0], second);
        Assert.False(buffer.TryRead(out _));
        Assert.Equal(0, buffer.UsedBytes);
    }

    [Fact]
    public void A_full_ring_buffer_refuses_output_with_EAGAIN()
    {
        const string asm = "lddw %r1, map_idx(0)\nmov %r2, %r10\nadd %r2, -512\nmov %r3, 512\nmov %r4, 0\ncall 130\nexit";
        using var system = new BpfSystem();
        using var ring = system.CreateMap(new BpfMapDefinition(BpfMapType.RingBuffer, 0, 0, 4096));
        using var program = TestSupport.Load(system, asm, maps: ring.Fd);
        var results = Enumerable.Range(0, 10).Select(_ => (long)program.Program.Run([])).ToList();
        Assert.Equal(7, results.Count(r => r == 0));
        Assert.Contains(-11L, results);
    }

    [Fact]
    public void Registered_helpers_are_callable_by_programs_loaded_afterwards()
    {
        using var system = new BpfSystem();
        system.Helpers.Register(
            new BpfHelperPrototype(9000, "add_three", [BpfHelperArgument.Anything, BpfHelperArgument.Anything, BpfHelperArgument.Anything]),
            (_, a, b, c, _, _) => a + b + c);
        using var program = TestSupport.Load(system, "mov %r1, 1\nmov %r2, 2\nmov %r3, 3\ncall 9000\nexit");
        Assert.Equal(6UL, program.Program.Run([]));
    }

    [Fact]
    public void Helpers_cannot_reach_memory_outside_the_regions()
    {
        using var system = new BpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 8));
        using var program = TestSupport.Load(system, "lddw %r1, map_idx(0)\nmov %r2, 12345\ncall 1\nexit", maps: map.Fd);
        Assert.Equal(BpfErrno.EFAULT, Assert.Throws<BpfException>(() => program.Program.Run([])).Errno);
        using var forged = TestSupport.Load(system, "mov %r1, 3\nmov %r2, %r10\ncall 1\nexit");
        Assert.Equal(BpfErrno.EINVAL, Assert.Throws<BpfException>(() => forged.Program.Run([])).Errno);
    }
}
