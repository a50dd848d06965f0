using Framework.Abstractions.Capabilities;
using Framework.Plugins.BpfRuntime.Cli;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Capabilities;

/// <summary>
/// The <see cref="IPacketFilterProvider"/> capability: loads eBPF socket filters (kind <c>ebpf</c>).
/// Until the ELF loader exists (bpf-runtime part 2) it accepts raw bytecode, base16 text or
/// assembler text; an ELF object fails with <see cref="InvalidDataException"/> saying so.
/// Thread-safe.
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

    /// <summary>Loads a socket filter from raw bytecode, base16 text or assembler text.</summary>
    /// <param name="path">The file.</param>
    /// <param name="section">Ignored until ELF objects are supported (they have sections).</param>
    /// <exception cref="InvalidDataException">The file is an ELF object (not yet supported), or the
    /// program does not decode or load; the message says where.</exception>
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
