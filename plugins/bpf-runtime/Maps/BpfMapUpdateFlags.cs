namespace Framework.Plugins.BpfRuntime.Maps;

/// <summary>Flags of a map update, with the kernel's values.</summary>
public enum BpfMapUpdateFlags : ulong
{
    /// <summary>BPF_ANY: create or update.</summary>
    Any = 0,

    /// <summary>BPF_NOEXIST: create only; an existing key fails with EEXIST.</summary>
    NoExist = 1,

    /// <summary>BPF_EXIST: update only; a missing key fails with ENOENT.</summary>
    Exist = 2,

    /// <summary>BPF_F_LOCK: update under the value's spin lock (no map here has one: EINVAL).</summary>
    Lock = 4,
}
