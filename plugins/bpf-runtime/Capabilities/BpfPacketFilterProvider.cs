using Framework.Abstractions.Capabilities;
using Framework.Plugins.BpfRuntime.Cli;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Capabilities;

/// <summary>
/// The <see cref="IPacketFilterProvider"/> capability: loads eBPF socket filters (kind <c>ebpf</c>)
/// from ELF objects built by clang (legacy <c>maps</c> section only, see <see cref="Elf.BpfElfObject"/>),
/// raw bytecode, base16 text or assembler text. Thread-safe.
/// </summary>
public sealed class BpfPacketFilterProvider : IPacketFilterProvider
{
    private readonly BpfSystem _system;

    /// <summary>Creates the provider on a system.</summary>
    public BpfPacketFilterProvider(BpfSystem system)
    {
        _system = system;
    }

    /// <inheritdoc />
    public string Kind => "ebpf";

    /// <summary>Loads a socket filter from an ELF object, raw bytecode, base16 text or assembler text.</summary>
    /// <param name="path">The file.</param>
    /// <param name="section">For ELF objects, the program section (null: the first); ignored otherwise.</param>
    /// <exception cref="InvalidDataException">The program does not parse, decode or load, or the object
    /// uses what the ELF loader does not support yet (BTF maps, global data); the message says where.</exception>
    public IPacketFilter Load(string path, string? section)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }

        try
        {
            if (Elf.BpfElfObject.IsElf(bytes))
            {
                return new BpfPacketFilter(Elf.BpfElfObject.Parse(bytes).Load(_system, section, BpfProgramType.SocketFilter));
            }

            var code = ProgramFile.Parse(bytes, path);
            var handle = _system.LoadProgram(new BpfProgramLoadAttributes
            {
                Type = BpfProgramType.SocketFilter,
                Instructions = code,
                License = "GPL",
                Name = "filter",
            });
            return new BpfPacketFilter(handle);
        }
        catch (BpfException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }
}
