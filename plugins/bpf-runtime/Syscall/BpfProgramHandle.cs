using Framework.Plugins.BpfRuntime.Programs;

namespace Framework.Plugins.BpfRuntime.Syscall;

/// <summary>A handle on a loaded program (see <see cref="BpfHandle"/>).</summary>
public sealed class BpfProgramHandle : BpfHandle
{
    internal BpfProgramHandle(BpfSystem system, BpfProgram program)
        : base(system, program)
    {
        Program = program;
    }

    /// <summary>The program.</summary>
    public BpfProgram Program { get; }
}
