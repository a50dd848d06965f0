namespace Framework.Plugins.BpfRuntime.Verifier;

/// <summary>What one byte of a stack frame holds (the kernel's <c>STACK_*</c> marks).</summary>
internal enum StackSlotKind : byte
{
    /// <summary>Never written: reading it is an error.</summary>
    Invalid,

    /// <summary>Some written data, not a tracked register.</summary>
    Misc,

    /// <summary>Known zero.</summary>
    Zero,

    /// <summary>Part of an 8-byte register spill (the register's state is kept).</summary>
    Spill,
}
