using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Isa;
using Framework.Plugins.BpfRuntime.Kernel;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Differential;

/// <summary>
/// Runs generated programs (<see cref="DifferentialProgramGenerator"/>) three ways — in the kernel
/// through BPF_PROG_TEST_RUN, in the interpreter and in the IL JIT — each time with fresh maps, and
/// compares the 64-bit r0 (read back from map 0), the contents of every map (sorted by key: hash
/// iteration orders differ) and the packet after the run. A program the kernel's verifier refuses
/// counts as a difference (the generator promises valid programs). Without bpf(2) only the two
/// userspace engines are compared (<see cref="KernelUnavailable"/> says why).
/// </summary>
public sealed class DifferentialRunner : IDisposable
{
    private readonly BpfSystem _system = new(new BpfSystemOptions { MemlockLimit = 1L << 30 });
    private readonly KernelBpfSystem? _kernel;

    /// <summary>Creates a runner; it uses the kernel when bpf(2) is available and <paramref name="useKernel"/> is set.</summary>
    public DifferentialRunner(bool useKernel = true)
    {
        KernelUnavailable = useKernel ? KernelBpfSystem.Unavailable : "not requested";
        if (KernelUnavailable is null)
        {
            _kernel = new KernelBpfSystem();
        }
    }

    /// <summary>Null when the kernel takes part, otherwise why it does not.</summary>
    public string? KernelUnavailable { get; }

    /// <summary>Generates and runs the program for <paramref name="seed"/>.</summary>
    public DifferentialOutcome Run(int seed)
    {
        var code = DifferentialProgramGenerator.Generate(seed);
        var packet = DifferentialProgramGenerator.Packet(seed);
        var observations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (_kernel is not null)
        {
            observations["kernel"] = RunKernel(code, packet);
        }

        observations["interpreter"] = RunUserspace(code, packet, BpfEngine.Interpreter);
        observations["jit"] = RunUserspace(code, packet, BpfEngine.Jit);
        var agreed = observations.Values.Distinct(StringComparer.Ordinal).Count() == 1;
        return new DifferentialOutcome(seed, agreed, observations, BpfDisassembler.Disassemble(code));
    }

    /// <summary>Closes the kernel maps and the userspace system.</summary>
    public void Dispose()
    {
        _kernel?.Dispose();
        _system.Dispose();
    }

    private string RunKernel(BpfInstruction[] code, byte[] packet)
    {
        var maps = DifferentialProgramGenerator.MapDefinitions.Select(d => _kernel!.CreateMap(d)).ToArray();
        try
        {
            using var program = _kernel!.LoadProgram(new BpfProgramLoadAttributes
            {
                Type = BpfProgramType.Xdp,
                Instructions = code,
                License = "GPL",
                Name = "fuzz",
                MapDescriptors = maps.Select(m => m.Fd).ToArray(),
            });
            var result = program.TestRun(packet);
            return Describe(result.ReturnValue, result.DataOut, maps.Select(m => m.Entries()).ToArray());
        }
        catch (BpfException e)
        {
            return $"error {e.Errno}: {e.Message}";
        }
        finally
        {
            foreach (var map in maps)
            {
                map.Dispose();
            }
        }
    }

    private string RunUserspace(BpfInstruction[] code, byte[] packet, BpfEngine engine)
    {
        var maps = DifferentialProgramGenerator.MapDefinitions.Select(d => _system.CreateMap(d)).ToArray();
        try
        {
            using var program = _system.LoadProgram(new BpfProgramLoadAttributes
            {
                Type = BpfProgramType.Xdp,
                Instructions = code,
                License = "GPL",
                Name = "fuzz",
                MapDescriptors = maps.Select(m => m.Fd).ToArray(),
            });
            var data = (byte[])packet.Clone();
            var r0 = program.Program.Run(data, engine);
            return Describe(r0, data, maps.Select(m => m.Map.Entries()).ToArray());
        }
        catch (BpfException e)
        {
            return $"error {e.Errno}: {e.Message}";
        }
        finally
        {
            foreach (var map in maps)
            {
                map.Dispose();
            }
        }
    }

    private static string Describe(ulong returnValue, byte[] packet, IEnumerable<KeyValuePair<byte[], byte[]>>[] maps)
    {
        var text = new StringBuilder();
        var result = maps[0].Single().Value;
        text.Append(CultureInfo.InvariantCulture, $"return {returnValue}, r0 0x{BinaryPrimitives.ReadUInt64LittleEndian(result):x16}\n");
        for (var i = 1; i < maps.Length; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"map {i}:");
            foreach (var (key, value) in maps[i].OrderBy(e => BinaryPrimitives.ReadUInt32LittleEndian(e.Key)))
            {
                text.Append(CultureInfo.InvariantCulture, $" {BinaryPrimitives.ReadUInt32LittleEndian(key)}={Convert.ToHexString(value)}");
            }

            text.Append('\n');
        }

        text.Append("packet: ").Append(Convert.ToHexString(packet));
        return text.ToString();
    }
}
