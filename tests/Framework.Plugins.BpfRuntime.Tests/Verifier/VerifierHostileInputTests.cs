using Framework.Plugins.BpfRuntime.Differential;
using Framework.Plugins.BpfRuntime.Elf;
using Framework.Tests.Shared;
using Framework.Plugins.BpfRuntime.Isa;
using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;
using Framework.Plugins.BpfRuntime.Verifier;

namespace Framework.Plugins.BpfRuntime.Tests.Verifier;

/// <summary>Random and mutated instruction streams and mutated clang objects: the verifier always
/// answers (never throws, never runs past its complexity limit), and what it accepts runs with the
/// same outcome under the JIT and the interpreter, the JIT checking every access the verifier
/// proved (its audit mode) so that a wrong proof, which would let compiled code touch memory
/// outside the program's regions, fails the test.</summary>
public sealed class VerifierHostileInputTests
{
    private static readonly VerifierLimits s_limits = new() { MaxProcessedInstructions = 50_000, MaxPendingBranches = 1024 };

    [Fact]
    public void Random_instruction_streams_get_a_verdict_within_the_complexity_limit()
    {
        var random = new Random(15);
        var types = new[] { BpfProgramType.Xdp, BpfProgramType.SocketFilter, BpfProgramType.Test, BpfProgramType.Kprobe };
        for (var n = 0; n < 4000; n++)
        {
            var code = new BpfInstruction[random.Next(1, 48)];
            var bytes = new byte[8];
            for (var i = 0; i < code.Length; i++)
            {
                random.NextBytes(bytes);

                // Bias towards valid classes and registers so streams get past the decoder.
                bytes[1] = (byte)((bytes[1] & 0x77) % 0xab);
                code[i] = BpfInstruction.Read(bytes);
            }

            code[^1] = new BpfInstruction(BpfOpcode.Jmp | BpfOpcode.Exit, 0, 0, 0, 0);
            var result = BpfVerifier.Verify(code, new VerifierEnvironment { Type = types[n % types.Length], Privileged = n % 3 != 0, Limits = s_limits });
            Assert.True(result.ProcessedInstructions <= s_limits.MaxProcessedInstructions + 1);
            Assert.True(result.Accepted || (result.Error is not null && result.Log.Contains(result.Error, StringComparison.Ordinal)));
        }
    }

    [ClangFact]
    public void Mutated_clang_objects_fail_with_BpfException_or_run_alike_inside_their_regions()
    {
        var random = new Random(17);
        var loaded = 0;
        foreach (var file in Corpus.Sources().Select(s => (string)s[0]))
        {
            var original = Corpus.Bytes(file);
            var first = BpfElfObject.Parse(original).Programs[0].Instructions;
            var code = original.AsSpan().IndexOf(BpfInstruction.Encode(first.Take(2).ToArray()));
            for (var m = 0; m < 150; m++)
            {
                var bytes = (byte[])original.Clone();
                for (var e = random.Next(1, 5); e > 0; e--)
                {
                    // Mostly the program's code, where a change survives parsing; sometimes anywhere.
                    var at = code >= 0 && random.Next(5) > 0 ? code + random.Next(first.Length * 8) : random.Next(bytes.Length);
                    bytes[Math.Min(at, bytes.Length - 1)] = (byte)random.Next(256);
                }

                BpfElfObject elf;
                try
                {
                    elf = BpfElfObject.Parse(bytes);
                }
                catch (BpfException)
                {
                    continue;
                }

                foreach (var section in elf.Programs)
                {
                    var interpreted = ObjectOutcome(elf, section.Section, BpfEngine.Interpreter);
                    var compiled = ObjectOutcome(elf, section.Section, BpfEngine.Jit);
                    Assert.True(interpreted == compiled, $"{file} mutation {m} [{section.Section}]: interpreter {interpreted}, jit {compiled}");
                    loaded += interpreted is null ? 0 : 1;
                }
            }
        }

        Assert.True(loaded > 50, $"only {loaded} mutated programs passed the verifier");
    }

    /// <summary>Loads one section of an object (verified) into a fresh system and runs it once over a
    /// UDP-ish packet; the JIT audits every proven access. Null when the load is refused.</summary>
    private static string? ObjectOutcome(BpfElfObject elf, string section, BpfEngine engine)
    {
        using var system = new BpfSystem(new BpfSystemOptions { InstructionBudget = 100_000 });
        BpfProgramHandle handle;
        try
        {
            handle = elf.Load(system, section);
        }
        catch (BpfException)
        {
            return null;
        }

        using (handle)
        {
            if (engine == BpfEngine.Jit)
            {
                handle.Program.Recompile(auditProofs: true);
            }

            var packet = new byte[64];
            packet[12] = 0x08;
            packet[14] = 0x45;
            packet[23] = 17;
            try
            {
                var r0 = handle.Program.Run(packet, engine);
                return $"{r0:x} {Convert.ToHexString(packet)} {string.Join(',', handle.Program.Maps.Select(Dump))}";
            }
            catch (BpfException e)
            {
                return $"{e.Errno} at {e.InstructionIndex}";
            }
        }
    }

    [Fact]
    public void Mutated_generator_programs_that_pass_run_alike_under_the_jit_and_the_interpreter()
    {
        var random = new Random(16);
        var passed = 0;
        for (var seed = 0; seed < 1500; seed++)
        {
            var code = DifferentialProgramGenerator.Generate(seed);
            for (var m = random.Next(1, 4); m > 0; m--)
            {
                var i = random.Next(code.Length);
                var insn = code[i];
                code[i] = random.Next(4) switch
                {
                    0 => insn with { Offset = (short)(insn.Offset + random.Next(-16, 17)) },
                    1 => insn with { Imm = insn.Imm + random.Next(-64, 65) },
                    2 => insn with { Src = (byte)random.Next(11) },
                    _ => insn with { Dst = (byte)random.Next(10) },
                };
            }

            // Each engine gets fresh maps: programs update them, and the second run would see the first's writes.
            var interpreted = Outcome(code, seed, BpfEngine.Interpreter, out var log);
            if (interpreted is null)
            {
                continue;
            }

            passed++;
            var compiled = Outcome(code, seed, BpfEngine.Jit, out _);
            Assert.True(interpreted == compiled, $"seed {seed}: interpreter {interpreted}\njit {compiled}\n{Assembler.BpfDisassembler.Disassemble(code)}\n{log}");
        }

        Assert.InRange(passed, 50, 1500);
    }

    /// <summary>Loads (verified) into a fresh system and runs once; null when the verifier refuses it.</summary>
    private static string? Outcome(BpfInstruction[] code, int seed, BpfEngine engine, out string log)
    {
        using var system = new BpfSystem();
        var maps = DifferentialProgramGenerator.MapDefinitions.Select(d => system.CreateMap(d)).ToList();
        try
        {
            using var program = system.LoadProgram(new BpfProgramLoadAttributes
            {
                Type = BpfProgramType.Xdp,
                Instructions = code,
                License = "GPL",
                MapDescriptors = maps.Select(h => h.Fd).ToArray(),
            });
            log = program.Program.Verification!.Log;
            if (engine == BpfEngine.Jit)
            {
                // Every access the verifier proved is checked anyway: a wrong proof fails the test.
                program.Program.Recompile(auditProofs: true);
            }

            var data = DifferentialProgramGenerator.Packet(seed);
            try
            {
                var r0 = program.Program.Run(data, engine);
                return $"{r0:x} {Convert.ToHexString(data)} {string.Join(',', maps.Select(h => Dump(h.Map)))}";
            }
            catch (BpfException e)
            {
                return $"{e.Errno} at {e.InstructionIndex}";
            }
        }
        catch (BpfException)
        {
            log = string.Empty;
            return null;
        }
        finally
        {
            maps.ForEach(h => h.Dispose());
        }
    }

    // By key: a hash map's iteration order follows its random seed, different in each map (as in the kernel).
    private static string Dump(BpfMap map) =>
        string.Join(';', map.LookupBatch([], int.MaxValue).Select(kv => Convert.ToHexString(kv.Key) + "=" + Convert.ToHexString(kv.Value)).Order(StringComparer.Ordinal));

    [Fact]
    public void Every_differential_generator_program_is_accepted()
    {
        var maps = new Dictionary<int, VerifierMap>();
        for (var seed = 0; seed < 2000; seed++)
        {
            var code = DifferentialProgramGenerator.Generate(seed);
            maps.Clear();
            for (var i = 0; i < code.Length; i++)
            {
                if (code[i].Opcode == BpfOpcode.LdDw && code[i].Src is BpfOpcode.PseudoMapIdx or BpfOpcode.PseudoMapIdxValue)
                {
                    var d = DifferentialProgramGenerator.MapDefinitions[code[i].Imm];
                    maps[i] = new VerifierMap(code[i].Imm, d.Type, d.KeySize, d.ValueSize);
                }
            }

            var result = BpfVerifier.Verify(code, new VerifierEnvironment { Type = BpfProgramType.Xdp, MapsByInstruction = maps });
            Assert.True(result.Accepted, $"seed {seed}: {result.Error}\n{Assembler.BpfDisassembler.Disassemble(code)}");
        }
    }

}
