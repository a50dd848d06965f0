namespace Framework.Plugins.HwbpX86.Arch;

/// <summary>The R/Wn field of DR7 (Intel SDM vol. 3, 18.2.4): what access breaks.</summary>
public enum DebugRegisterCondition
{
    /// <summary>00: instruction execution.</summary>
    Execute = 0,

    /// <summary>01: data writes.</summary>
    Write = 1,

    /// <summary>10: I/O reads or writes (only with CR4.DE set; never for user space).</summary>
    Io = 2,

    /// <summary>11: data reads or writes, not instruction fetches.</summary>
    ReadWrite = 3,
}
