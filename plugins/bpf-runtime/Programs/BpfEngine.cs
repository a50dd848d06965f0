namespace Framework.Plugins.BpfRuntime.Programs;

/// <summary>How the userspace runtime executes programs.</summary>
public enum BpfEngine
{
    /// <summary>Compiled to IL and run through the .NET JIT (the default), every memory access checked.</summary>
    Jit,

    /// <summary>The pre-decoded switch interpreter.</summary>
    Interpreter,
}
