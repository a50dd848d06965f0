using Framework.Plugins.BpfRuntime.Kernel;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Tests.Verifier;

/// <summary>Every clang-compiled corpus program passes the verifier at load, runs, and the kernel's
/// verifier agrees.</summary>
public sealed class VerifierCorpusTests
{
    public static IEnumerable<object[]> Sources() => Corpus.Sources();

    [ClangTheory]
    [MemberData(nameof(Sources))]
    public void Every_clang_compiled_corpus_program_is_accepted_and_runs(string file)
    {
        var elf = Corpus.Build(file);
        Assert.NotEmpty(elf.Programs);
        using var system = new BpfSystem();
        foreach (var section in elf.Programs)
        {
            using var program = elf.Load(system, section.Section);
            var verdict = program.Program.Verification;
            Assert.NotNull(verdict);
            Assert.True(verdict.Accepted, verdict.Log);
            Assert.Null(verdict.Error);

            // Runs under both engines with the same result over a UDP-ish packet.
            var packet = new byte[64];
            packet[12] = 0x08;
            packet[14] = 0x45;
            packet[23] = 17;
            var jit = program.Program.TestRun(packet, 1, BpfEngine.Jit).ReturnValue;
            var interpreted = program.Program.TestRun(packet, 1, BpfEngine.Interpreter).ReturnValue;
            Assert.Equal(interpreted, jit);
        }
    }

    [ClangTheory]
    [MemberData(nameof(Sources))]
    public void Corpus_programs_with_memory_accesses_have_them_proven_for_the_jit(string file)
    {
        var elf = Corpus.Build(file);
        using var system = new BpfSystem();
        foreach (var section in elf.Programs)
        {
            using var program = elf.Load(system, section.Section);
            var code = program.Program.Instructions;
            var verdict = program.Program.Verification!;
            var stackOrPacket = code.Count(i => i.Class is Isa.BpfInstructionClass.Ldx or Isa.BpfInstructionClass.Stx or Isa.BpfInstructionClass.St && (i.Opcode & 0xe0) != 0xc0);
            if (file == "socket_len.c" || file == "xdp_global_counter.c")
            {
                // Context reads only (and atomics): nothing to prove for those.
                continue;
            }

            Assert.True(stackOrPacket == 0 || verdict.ProvenAccesses > 0, $"{file}: {stackOrPacket} accesses, none proven\n{verdict.Log}");
        }
    }

    [KernelAndClangTheory]
    [MemberData(nameof(Sources))]
    public void The_kernel_verifier_agrees_on_every_corpus_program(string file)
    {
        var elf = Corpus.Build(file);
        using var kernel = new KernelBpfSystem();
        using var system = new BpfSystem();
        foreach (var section in elf.Programs)
        {
            var maps = elf.Maps.Select(m => kernel.CreateMap(m.Definition)).ToList();
            var code = section.Instructions.ToArray();
            foreach (var (insn, map, valueOffset) in section.MapReferences)
            {
                code[insn] = code[insn] with { Src = valueOffset < 0 ? Isa.BpfOpcode.PseudoMapFd : Isa.BpfOpcode.PseudoMapValue, Imm = maps[map].Fd };
                if (valueOffset >= 0)
                {
                    code[insn + 1] = code[insn + 1] with { Imm = valueOffset };
                }
            }

            bool kernelAccepts;
            string kernelLog;
            try
            {
                using var loaded = kernel.LoadProgram(new BpfProgramLoadAttributes { Type = section.Type, Instructions = code, License = elf.License });
                kernelAccepts = true;
                kernelLog = string.Empty;
            }
            catch (BpfException e) when (e.VerifierLog is not null)
            {
                kernelAccepts = false;
                kernelLog = e.VerifierLog;
            }

            bool ours;
            string ourLog;
            try
            {
                using var loaded = elf.Load(system, section.Section);
                ours = true;
                ourLog = loaded.Program.Verification!.Log;
            }
            catch (BpfException e) when (e.VerifierLog is not null)
            {
                ours = false;
                ourLog = e.VerifierLog;
            }

            Assert.True(kernelAccepts == ours, $"{file} [{section.Section}]: kernel {(kernelAccepts ? "accepts" : "rejects")}, we {(ours ? "accept" : "reject")}\nkernel:\n{kernelLog}\nours:\n{ourLog}");
        }
    }
}
