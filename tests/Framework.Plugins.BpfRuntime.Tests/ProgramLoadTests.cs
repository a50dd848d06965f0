using System.Buffers.Binary;
using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Isa;
using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Tests;

public sealed class ProgramLoadTests
{
    private static BpfException LoadFails(BpfSystem system, BpfProgramLoadAttributes attributes) =>
        Assert.Throws<BpfException>(() => system.LoadProgram(attributes));

    private static BpfInstruction[] Code(string asm) => BpfAssembler.Assemble(asm);

    [Fact]
    public void Programs_over_the_instruction_limit_fail_with_E2BIG()
    {
        using var system = new BpfSystem(new BpfSystemOptions { UnprivilegedBpfDisabled = 0 });
        var big = Enumerable.Repeat(new BpfInstruction(0xb7, 0, 0, 0, 0), 4096).Append(new BpfInstruction(0x95, 0, 0, 0, 0)).ToArray();
        var e = LoadFails(system, new BpfProgramLoadAttributes { Type = BpfProgramType.SocketFilter, Instructions = big, Privileged = false });
        Assert.Equal(BpfErrno.E2BIG, e.Errno);
        using var privileged = system.LoadProgram(new BpfProgramLoadAttributes { Type = BpfProgramType.SocketFilter, Instructions = big });
    }

    [Fact]
    public void Unprivileged_loads_follow_unprivileged_bpf_disabled()
    {
        using var disabled = new BpfSystem();
        Assert.Equal(BpfErrno.EPERM, LoadFails(disabled, new BpfProgramLoadAttributes { Type = BpfProgramType.SocketFilter, Instructions = Code("mov %r0, 0\nexit"), Privileged = false }).Errno);
        Assert.Equal(BpfErrno.EPERM, Assert.Throws<BpfException>(() => disabled.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 4, 1), privileged: false)).Errno);

        using var enabled = new BpfSystem(new BpfSystemOptions { UnprivilegedBpfDisabled = 0 });
        using var filter = enabled.LoadProgram(new BpfProgramLoadAttributes { Type = BpfProgramType.SocketFilter, Instructions = Code("mov %r0, 0\nexit"), Privileged = false });
        var xdp = LoadFails(enabled, new BpfProgramLoadAttributes { Type = BpfProgramType.Xdp, Instructions = Code("mov %r0, 0\nexit"), Privileged = false });
        Assert.Equal(BpfErrno.EPERM, xdp.Errno);
        Assert.Equal("prog_type", xdp.Field);
    }

    [Fact]
    public void GPL_only_helpers_need_a_GPL_compatible_license()
    {
        using var system = new BpfSystem();
        var e = LoadFails(system, new BpfProgramLoadAttributes { Instructions = Code("mov %r0, 0\ncall 6\nexit"), License = "MIT" });
        Assert.Equal(BpfErrno.EINVAL, e.Errno);
        Assert.Equal(1, e.InstructionIndex);
        Assert.Contains("GPL", e.Message, StringComparison.Ordinal);
        using var dual = system.LoadProgram(new BpfProgramLoadAttributes { Instructions = Code("mov %r0, 0\ncall 6\nexit"), License = "Dual MIT/GPL", Verify = false });
        Assert.True(dual.Program.IsGplCompatible);
        using var ktime = system.LoadProgram(new BpfProgramLoadAttributes { Instructions = Code("call 5\nexit"), License = "MIT" });
    }

    [Fact]
    public void Kprobe_programs_must_state_the_kernel_version()
    {
        using var system = new BpfSystem(new BpfSystemOptions { KernelVersion = 0x060100 });
        var e = LoadFails(system, new BpfProgramLoadAttributes { Type = BpfProgramType.Kprobe, Instructions = Code("mov %r0, 0\nexit"), KernelVersion = 0x050400 });
        Assert.Equal("kern_version", e.Field);
        using var ok = system.LoadProgram(new BpfProgramLoadAttributes { Type = BpfProgramType.Kprobe, Instructions = Code("mov %r0, 0\nexit"), KernelVersion = 0x060100 });
    }

    [Fact]
    public void Unknown_helpers_and_bad_map_descriptors_name_the_instruction()
    {
        using var system = new BpfSystem();
        var helper = LoadFails(system, new BpfProgramLoadAttributes { Instructions = Code("mov %r0, 0\ncall 4242\nexit") });
        Assert.Equal((BpfErrno.EINVAL, 1), (helper.Errno, helper.InstructionIndex));
        var map = LoadFails(system, new BpfProgramLoadAttributes { Instructions = Code("mov %r0, 0\nlddw %r1, map_fd(77)\nexit") });
        Assert.Equal((BpfErrno.EBADF, 1), (map.Errno, map.InstructionIndex));
        var index = LoadFails(system, new BpfProgramLoadAttributes { Instructions = Code("lddw %r1, map_idx(2)\nexit"), MapDescriptors = [3] });
        Assert.Equal(0, index.InstructionIndex);
    }

    [Fact]
    public void A_program_holds_its_maps_until_it_is_freed()
    {
        using var system = new BpfSystem();
        var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Array, 4, 8, 1));
        var theMap = map.Map;
        var program = TestSupport.Load(system, "lddw %r1, map_idx(0)\nmov %r0, 0\nexit", maps: map.Fd);
        Assert.Equal(2, theMap.ReferenceCount);
        map.Dispose();
        Assert.False(theMap.IsFreed);
        var charged = system.MemlockUsed;
        program.Dispose();
        Assert.True(theMap.IsFreed);
        Assert.True(system.MemlockUsed < charged);
        Assert.Equal(0, system.MemlockUsed);
    }

    [Fact]
    public void Pinned_objects_outlive_their_handles_and_come_back_by_path()
    {
        using var system = new BpfSystem();
        var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 4, Name: "counts"));
        map.Map.Update(BitConverter.GetBytes(1), BitConverter.GetBytes(5L));
        system.Pin("/sys/fs/bpf/counts", map);
        Assert.Equal(BpfErrno.EEXIST, Assert.Throws<BpfException>(() => system.Pin("/sys/fs/bpf/counts", map)).Errno);
        map.Dispose();
        using (var again = (BpfMapHandle)system.GetPinned("/sys/fs/bpf//counts"))
        {
            Assert.Equal(BitConverter.GetBytes(5L), again.Map.Lookup(BitConverter.GetBytes(1)));
            system.Unpin("/sys/fs/bpf/counts");
            Assert.False(again.Map.IsFreed);
        }

        Assert.Equal(BpfErrno.ENOENT, Assert.Throws<BpfException>(() => system.GetPinned("/sys/fs/bpf/counts")).Errno);
        Assert.Equal(0, system.MemlockUsed);
    }

    [Fact]
    public void A_pin_folder_keeps_maps_across_systems()
    {
        var dir = Path.Combine(Path.GetTempPath(), "bpf-pin-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var first = new BpfSystem(new BpfSystemOptions { PinDirectory = dir }))
            {
                using var map = first.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 4));
                first.Pin("/app/counts", map);
                map.Map.Update(BitConverter.GetBytes(7), BitConverter.GetBytes(70L));
            }

            using var second = new BpfSystem(new BpfSystemOptions { PinDirectory = dir });
            using var loaded = (BpfMapHandle)second.GetPinned("/app/counts");
            Assert.Equal(BitConverter.GetBytes(70L), loaded.Map.Lookup(BitConverter.GetBytes(7)));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_pinned_map_file_whose_entry_count_overruns_the_file_fails_with_EINVAL_naming_the_sizes()
    {
        // Found by afl (tests/fuzz/crashes/bpf-pinned-map/entry-count-past-end-of-file): a count of
        // two billion sized a list before a single entry was read, ending in OutOfMemoryException.
        var dir = Path.Combine(Path.GetTempPath(), "bpf-pin-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var first = new BpfSystem(new BpfSystemOptions { PinDirectory = dir }))
            {
                using var map = first.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 4));
                first.Pin("/counts", map);
                map.Map.Update(BitConverter.GetBytes(7), BitConverter.GetBytes(70L));
            }

            var file = Path.Combine(dir, "counts.map");
            var bytes = File.ReadAllBytes(file);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(20), int.MaxValue); // max_entries
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(bytes.Length - 12 - 4), int.MaxValue / 2); // the entry count
            File.WriteAllBytes(file, bytes);

            using var second = new BpfSystem(new BpfSystemOptions { PinDirectory = dir });
            var error = Assert.Throws<BpfException>(() => second.GetPinned("/counts"));
            Assert.Equal(BpfErrno.EINVAL, error.Errno);
            Assert.Contains($"{int.MaxValue / 2} entries of 12 bytes need", error.Message, StringComparison.Ordinal);
            Assert.Contains(file, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_pinned_map_file_with_empty_keys_fails_with_EINVAL_at_once()
    {
        // Found by afl (tests/fuzz/crashes/bpf-pinned-map/zero-size-entries-hang): entries of 0 bytes
        // passed the size check with any count, and the reader looped for minutes.
        var dir = Path.Combine(Path.GetTempPath(), "bpf-pin-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var first = new BpfSystem(new BpfSystemOptions { PinDirectory = dir }))
            {
                using var map = first.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 4));
                first.Pin("/counts", map);
            }

            var file = Path.Combine(dir, "counts.map");
            var bytes = File.ReadAllBytes(file);
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), 0); // key_size
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(20), int.MaxValue); // max_entries
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(bytes.Length - 8), 0); // the value size
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), int.MaxValue - 1); // the entry count
            File.WriteAllBytes(file, bytes);

            using var second = new BpfSystem(new BpfSystemOptions { PinDirectory = dir });
            var error = Assert.Throws<BpfException>(() => second.GetPinned("/counts"));
            Assert.Equal(BpfErrno.EINVAL, error.Errno);
            Assert.Contains("corrupt header (key size 0", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Descriptors_are_the_lowest_free_numbers_from_3()
    {
        using var system = new BpfSystem();
        using var a = system.CreateMap(new BpfMapDefinition(BpfMapType.Array, 4, 4, 1));
        var b = system.CreateMap(new BpfMapDefinition(BpfMapType.Array, 4, 4, 1));
        Assert.Equal((3, 4), (a.Fd, b.Fd));
        b.Dispose();
        using var c = system.CreateMap(new BpfMapDefinition(BpfMapType.Array, 4, 4, 1));
        Assert.Equal(4, c.Fd);
        Assert.Same(c, system.GetHandle(4));
    }

    [Fact]
    public void Invalid_names_fail_with_EINVAL()
    {
        using var system = new BpfSystem();
        Assert.Equal("prog_name", LoadFails(system, new BpfProgramLoadAttributes { Instructions = Code("mov %r0, 0\nexit"), Name = "has space" }).Field);
        Assert.Equal("map_name", Assert.Throws<BpfException>(() => system.CreateMap(new BpfMapDefinition(BpfMapType.Array, 4, 4, 1, Name: "a_name_that_is_far_too_long"))).Field);
    }
}
