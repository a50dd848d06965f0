using System.Buffers.Binary;
using System.Diagnostics;
using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Kernel;
using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Programs;

namespace Framework.Plugins.BpfRuntime.Tests;

public sealed class KernelBackendTests
{
    private static readonly byte[] s_packet = new byte[64];

    private static KernelProgram Load(KernelBpfSystem system, string asm, params int[] maps) =>
        system.LoadProgram(new BpfProgramLoadAttributes
        {
            Type = BpfProgramType.Xdp,
            Instructions = BpfAssembler.Assemble(asm),
            License = "GPL",
            MapDescriptors = maps,
        });

    [KernelFact]
    public void Hash_map_update_lookup_delete_and_get_next_key_go_through_the_kernel()
    {
        using var system = new KernelBpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 4, Name: "t_hash"));
        var key = BitConverter.GetBytes(7);
        Assert.False(map.TryLookup(key, new byte[8]));
        map.Update(key, BitConverter.GetBytes(42L));
        Assert.Equal(42L, BitConverter.ToInt64(map.Lookup(key)));
        var error = Assert.Throws<BpfException>(() => map.Update(key, BitConverter.GetBytes(1L), BpfMapUpdateFlags.NoExist));
        Assert.Equal(BpfErrno.EEXIST, error.Errno);
        map.Update(BitConverter.GetBytes(8), BitConverter.GetBytes(43L));
        Assert.Equal([7, 8], map.Entries().Select(e => BitConverter.ToInt32(e.Key)).Order());
        map.Delete(key);
        Assert.Equal(BpfErrno.ENOENT, Assert.Throws<BpfException>(() => map.Delete(key)).Errno);
        Assert.Single(map.Entries());
    }

    [KernelFact]
    public void Array_map_refuses_an_index_past_max_entries_with_E2BIG()
    {
        using var system = new KernelBpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Array, 4, 8, 2));
        Assert.Equal(BpfErrno.E2BIG, Assert.Throws<BpfException>(() => map.Update(BitConverter.GetBytes(2), new byte[8])).Errno);
        Assert.Equal(new byte[8], map.Lookup(BitConverter.GetBytes(1)));
    }

    [KernelFact]
    public void Map_create_with_a_bad_attribute_fails_with_the_kernels_EINVAL()
    {
        using var system = new KernelBpfSystem();
        var error = Assert.Throws<BpfException>(() => system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 0, 8, 4)));
        Assert.Equal(BpfErrno.EINVAL, error.Errno);
        Assert.Contains("BPF_MAP_CREATE", error.Message, StringComparison.Ordinal);
    }

    [KernelFact]
    public void Test_run_returns_r0_and_the_packet_and_a_duration_over_repeats()
    {
        using var system = new KernelBpfSystem();
        using var program = Load(system, """
            ldxw %r2, [%r1]
            ldxw %r3, [%r1+4]
            mov %r4, %r2
            add %r4, 2
            jgt %r4, %r3, out
            stxb [%r2+1], %r3
            ldxb %r0, [%r2]
            add %r0, 40
            exit
            out:
            mov %r0, 1
            exit
            """);
        var packet = (byte[])s_packet.Clone();
        packet[0] = 2;
        var result = program.TestRun(packet, repeat: 1000);
        Assert.Equal(42UL, result.ReturnValue);
        Assert.Equal(64, result.DataOut.Length);
        Assert.NotEqual(0, result.DataOut[1]);
        Assert.True(result.DurationNanoseconds > 0);
    }

    [KernelFact]
    public void Map_fd_relocations_resolve_to_kernel_descriptors_and_the_program_updates_the_map()
    {
        using var system = new KernelBpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Array, 4, 8, 1));
        using var program = Load(system, $"""
            mov %r6, 0
            stxw [%r10-4], %r6
            lddw %r1, map_fd({map.Fd})
            mov %r2, %r10
            add %r2, -4
            call 1
            jeq %r0, 0, out
            mov %r1, 5
            lock add [%r0], %r1
            out:
            mov %r0, 2
            exit
            """);
        program.TestRun(s_packet, repeat: 3);
        Assert.Equal(15L, BitConverter.ToInt64(map.Lookup(new byte[4])));
    }

    [KernelFact]
    public void A_map_reference_to_a_descriptor_this_system_does_not_hold_fails_with_EBADF_naming_the_instruction()
    {
        using var system = new KernelBpfSystem();
        var error = Assert.Throws<BpfException>(() => Load(system, """
            mov %r0, 0
            lddw %r1, map_fd(9999)
            exit
            """));
        Assert.Equal(BpfErrno.EBADF, error.Errno);
        Assert.Equal(1, error.InstructionIndex);
    }

    [KernelFact]
    public void A_program_the_kernel_verifier_refuses_fails_with_its_log_and_the_instruction()
    {
        using var system = new KernelBpfSystem();
        var error = Assert.Throws<BpfException>(() => Load(system, """
            mov %r0, 0
            mov %r1, 1
            ldxdw %r0, [%r2]
            exit
            """));
        Assert.Equal(BpfErrno.EACCES, error.Errno);
        Assert.NotNull(error.VerifierLog);
        Assert.Equal(2, error.InstructionIndex);
        Assert.Contains("R2", error.Message, StringComparison.Ordinal);
    }

    [KernelFact]
    public void Test_program_type_has_no_kernel_equivalent_and_says_so()
    {
        using var system = new KernelBpfSystem();
        var error = Assert.Throws<BpfException>(() => system.LoadProgram(new BpfProgramLoadAttributes { Instructions = BpfAssembler.Assemble("mov %r0, 0\nexit") }));
        Assert.Equal(BpfErrno.ENOTSUPP, error.Errno);
    }

    [KernelFact(NeedsRoot = true)]
    public void Pinned_map_in_a_mounted_bpffs_is_found_again_with_its_attributes()
    {
        var dir = Path.Combine(Path.GetTempPath(), "fw-bpffs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var mounted = RunTool("mount", "-t", "bpf", "bpf", dir) == 0;
        try
        {
            Assert.True(mounted, "mount -t bpf failed although the process is root");
            using var system = new KernelBpfSystem();
            using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 16, Name: "pinned"));
            map.Update(BitConverter.GetBytes(1), BitConverter.GetBytes(99L));
            var path = Path.Combine(dir, "m");
            KernelBpfSystem.Pin(path, map);
            Assert.Equal(BpfErrno.EEXIST, Assert.Throws<BpfException>(() => KernelBpfSystem.Pin(path, map)).Errno);
            map.Dispose();
            using var again = system.GetPinnedMap(path);
            Assert.Equal(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 16, Name: "pinned"), again.Definition);
            Assert.Equal(99L, BitConverter.ToInt64(again.Lookup(BitConverter.GetBytes(1))));
            Assert.Equal(BpfErrno.ENOENT, Assert.Throws<BpfException>(() => system.GetPinnedMap(Path.Combine(dir, "none"))).Errno);
        }
        finally
        {
            if (mounted)
            {
                RunTool("umount", dir);
            }

            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_failing_instruction_is_the_last_one_the_verifier_log_names()
    {
        const string log = "0: R1=ctx() R10=fp0\n0: (b7) r0 = 0\n1: (79) r0 = *(u64 *)(r2 +0)\nR2 !read_ok\nprocessed 2 insns";
        Assert.Equal(1, KernelBpfSystem.FailingInstruction(log));
        Assert.Equal(-1, KernelBpfSystem.FailingInstruction("no numbers here"));
    }

    private static int RunTool(string tool, params string[] args)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
