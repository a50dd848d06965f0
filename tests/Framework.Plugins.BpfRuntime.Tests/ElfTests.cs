using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Capabilities;
using Framework.Plugins.BpfRuntime.Elf;
using Framework.Plugins.BpfRuntime.Isa;
using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Tests;

public sealed class ElfTests
{
    /// <summary>A socket filter that counts frames in an array map and returns through a .text subprogram.</summary>
    private static byte[] CounterObject(Action<TestElf>? extra = null)
    {
        var program = BpfInstruction.Encode(BpfAssembler.Assemble("""
            stw [%r10-4], 0
            mov %r2, %r10
            add %r2, -4
            lddw %r1, 0
            call 1
            jeq %r0, 0, +2
            mov %r1, 1
            lock add [%r0], %r1
            call local -1
            exit
            """));
        var text = BpfInstruction.Encode(BpfAssembler.Assemble("mov %r0, 0xffff\nexit"));
        var mapDef = new byte[20];
        BinaryPrimitives.WriteUInt32LittleEndian(mapDef, (uint)BpfMapType.Array);
        BinaryPrimitives.WriteInt32LittleEndian(mapDef.AsSpan(4), 4);
        BinaryPrimitives.WriteInt32LittleEndian(mapDef.AsSpan(8), 8);
        BinaryPrimitives.WriteInt32LittleEndian(mapDef.AsSpan(12), 1);

        var elf = new TestElf();
        var socket = elf.AddSection("socket", 1, 6, program);
        var maps = elf.AddSection("maps", 1, 3, mapDef);
        elf.AddSection("license", 1, 3, "GPL\0"u8.ToArray());
        var textSection = elf.AddSection(".text", 1, 6, text);
        var counter = elf.AddSymbol("counter", maps, 0);
        var retAll = elf.AddSymbol("ret_all", textSection, 0);
        extra?.Invoke(elf);
        // .strtab and .symtab are added by Build after these sections: symtab index = sections + 2.
        elf.AddSection(".relsocket", 9, 0, TestElf.Rel((24, counter, 1), (72, retAll, 10)), link: 0, info: (uint)socket);
        return elf.Build();
    }

    [Fact]
    public void Objects_load_with_their_maps_and_text_subprograms()
    {
        var elf = BpfElfObject.Parse(CounterObject());
        Assert.Equal("GPL", elf.License);
        var map = Assert.Single(elf.Maps);
        Assert.Equal("counter", map.Name);
        var program = Assert.Single(elf.Programs);
        Assert.Equal(("socket", BpfProgramType.SocketFilter, 13), (program.Section, program.Type, program.Instructions.Length));

        using var system = new BpfSystem();
        using var handle = elf.Load(system);
        Assert.Equal(0xffffUL, handle.Program.Run(new byte[60]));
        Assert.Equal(0xffffUL, handle.Program.Run(new byte[60]));
        Assert.Equal(2UL, BinaryPrimitives.ReadUInt64LittleEndian(handle.Program.Maps[0].Lookup(BitConverter.GetBytes(0))));
        handle.Dispose();
        Assert.Equal(0, system.MemlockUsed);
    }

    [Fact]
    public void The_packet_filter_provider_loads_objects_by_section()
    {
        var path = Path.Combine(Path.GetTempPath(), "bpf-elf-" + Guid.NewGuid().ToString("N") + ".o");
        File.WriteAllBytes(path, CounterObject());
        try
        {
            using var system = new BpfSystem();
            using var filter = new BpfPacketFilterProvider(system).Load(path, "socket");
            Assert.Equal(0xffffu, filter.Filter(new byte[42]));
            Assert.Contains("no program section", Assert.Throws<InvalidDataException>(() => new BpfPacketFilterProvider(system).Load(path, "xdp")).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Unsupported_and_malformed_objects_fail_with_BpfException()
    {
        Assert.Contains("bad magic", Assert.Throws<BpfException>(() => BpfElfObject.Parse(new byte[10])).Message, StringComparison.Ordinal);
        var wrongMachine = new TestElf { Machine = 62 };
        wrongMachine.AddSection("socket", 1, 6, new byte[8]);
        Assert.Contains("EM_BPF", Assert.Throws<BpfException>(() => BpfElfObject.Parse(wrongMachine.Build())).Message, StringComparison.Ordinal);
        var btf = new TestElf();
        btf.AddSection(".maps", 1, 3, new byte[32]);
        Assert.Contains("no .BTF section", Assert.Throws<BpfException>(() => BpfElfObject.Parse(btf.Build())).Message, StringComparison.Ordinal);
        var truncated = CounterObject();
        Assert.Throws<BpfException>(() => BpfElfObject.Parse(truncated.AsSpan(0, truncated.Length - 100)));
    }

    [Fact]
    public void Random_corruptions_of_an_object_fail_only_with_BpfException()
    {
        var original = CounterObject();
        var gen = from count in Gen.Choose(1, 8)
                  from edits in Gen.ArrayOf(Gen.Choose(0, original.Length - 1).Zip(Gen.Choose(0, 255)), count)
                  select edits;
        Prop.ForAll(gen.ToArbitrary(), edits =>
        {
            var bytes = (byte[])original.Clone();
            foreach (var (at, value) in edits)
            {
                bytes[at] = (byte)value;
            }

            try
            {
                using var system = new BpfSystem(new BpfSystemOptions { InstructionBudget = 10_000 });
                using var handle = BpfElfObject.Parse(bytes).Load(system);
                handle.Program.Run(new byte[60]);
            }
            catch (BpfException)
            {
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1000));
    }
}
