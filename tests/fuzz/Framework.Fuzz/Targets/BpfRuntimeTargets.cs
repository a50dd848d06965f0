using System.Text;
using Framework.Plugins.BpfRuntime;
using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Cli;
using Framework.Plugins.BpfRuntime.Elf;
using Framework.Plugins.BpfRuntime.Isa;
using Framework.Plugins.BpfRuntime.Jobs;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Fuzz.Targets;

/// <summary>bpf-runtime's parsers: program files (raw instructions, base16, assembler text) through
/// load (the verifier) and a bounded test run, the assembler and disassembler, ELF objects and their
/// BTF, pcap files and pinned-map files.</summary>
public static class BpfRuntimeTargets
{
    private const string Assembly = "Framework.Plugins.BpfRuntime.dll";

    /// <summary>Small enough that a verified program's run is a few milliseconds at most.</summary>
    private const long InstructionBudget = 100_000;
    private const long PinnedMapMemlockLimit = 1 << 20;

    private static readonly byte[] Packet = [.. Enumerable.Range(0, 64).Select(i => (byte)i)];

    /// <summary>The targets.</summary>
    public static IEnumerable<FuzzTarget> All =>
    [
        new("bpf-program", "program file (raw instructions or base16) as bpf run reads it: ProgramFile.Parse, BpfSystem.LoadProgram (verifier), TestRun in the interpreter, disassembly", [Assembly], input => Program(input, BpfEngine.Interpreter)),
        new("bpf-program-jit", "the same program files loaded and run through the IL JIT (code generation for every program the verifier accepts)", [Assembly], input => Program(input, BpfEngine.Jit)),
        new("bpf-asm", "assembler text: BpfAssembler.Assemble, BpfDecoder.Validate, and the disassembler's text assembled back to the same bytes", [Assembly], Asm),
        new("bpf-elf", "clang BPF ELF object: BpfElfObject.Parse (sections, relocations, maps, BTF) and Load of every program", [Assembly], Elf),
        new("bpf-btf", "a .BTF section's map definitions: BtfMapReader.Read", [Assembly], Btf),
        new("bpf-pcap", "the sample job's pcap reader: PcapFile.ReadFrames", [Assembly], Pcap),
        new("bpf-pinned-map", "a pinned-map file as BpfSystem.GetPinned reads it back from the pin folder", [Assembly], PinnedMap),
    ];

    private static BpfSystem NewSystem(BpfEngine engine = BpfEngine.Jit) =>
        new(new BpfSystemOptions { InstructionBudget = InstructionBudget, Engine = engine });

    // Two targets over one input format, so that a finding in IL code generation is told apart from
    // one in the interpreter, and each keeps its own corpus (one minute each on the lead's machine:
    // about 15,000 executions a second interpreted, 11,000 through the JIT).
    private static void Program(ReadOnlySpan<byte> input, BpfEngine engine)
    {
        using var system = NewSystem(engine);
        try
        {
            var code = ProgramFile.Parse(input.ToArray(), "fuzz");
            _ = BpfDisassembler.Disassemble(code);
            using var program = system.LoadProgram(new BpfProgramLoadAttributes { Type = BpfProgramType.Test, Instructions = code, License = "GPL" });
            _ = program.Program.TestRun(Packet);
        }
        catch (Exception e) when (e is BpfException or InvalidDataException or FormatException)
        {
        }
    }

    private static void Asm(ReadOnlySpan<byte> input)
    {
        BpfInstruction[] code;
        try
        {
            code = BpfAssembler.Assemble(Encoding.UTF8.GetString(input));
            BpfDecoder.Validate(code);
        }
        catch (BpfException)
        {
            return;
        }

        var bytes = BpfInstruction.Encode(code);
        var decoded = BpfDecoder.Decode(bytes);
        var text = BpfDisassembler.Disassemble(decoded);
        var again = BpfInstruction.Encode(BpfAssembler.Assemble(text));
        if (!again.AsSpan().SequenceEqual(bytes))
        {
            throw new InvalidOperationException($"the disassembly does not assemble back to the same program:\n{text}");
        }
    }

    private static void Elf(ReadOnlySpan<byte> input)
    {
        BpfElfObject elf;
        try
        {
            elf = BpfElfObject.Parse(input);
        }
        catch (BpfException)
        {
            return;
        }

        using var system = NewSystem();
        foreach (var program in elf.Programs)
        {
            _ = BpfDisassembler.Disassemble(program.Instructions);
            try
            {
                using var loaded = elf.Load(system, program.Section);
                _ = loaded.Program.TestRun(Packet);
            }
            catch (BpfException)
            {
            }
        }
    }

    private static void Btf(ReadOnlySpan<byte> input)
    {
        try
        {
            _ = BtfMapReader.Read(input);
        }
        catch (BpfException)
        {
        }
    }

    private static void Pcap(ReadOnlySpan<byte> input)
    {
        try
        {
            _ = PcapFile.ReadFrames(input);
        }
        catch (InvalidDataException)
        {
        }
    }

    private static void PinnedMap(ReadOnlySpan<byte> input)
    {
        var pins = Path.Combine(ScratchFile.FolderPath, "pins");
        Directory.CreateDirectory(pins);
        File.WriteAllBytes(Path.Combine(pins, "fuzz.map"), input.ToArray());

        // A header may ask for a map as large as the memlock budget allows (64 MiB by default):
        // allocating, zeroing and, at dispose, walking it to write the pin back took most of a run
        // (25 runs a second). A 1 MiB budget reaches the same checks, refusals and code paths.
        using var system = new BpfSystem(new BpfSystemOptions { InstructionBudget = InstructionBudget, PinDirectory = pins, MemlockLimit = PinnedMapMemlockLimit });
        try
        {
            using var handle = system.GetPinned("/fuzz");
        }
        catch (BpfException)
        {
        }
    }
}
