namespace Framework.Plugins.BpfRuntime;

/// <summary>
/// The errno value a <see cref="BpfException"/> corresponds to, with the kernel's meanings
/// (include/uapi/asm-generic/errno-base.h and errno.h). Values equal the Linux numbers.
/// </summary>
public enum BpfErrno
{
    /// <summary>Operation not permitted: missing privilege, memlock budget exceeded.</summary>
    EPERM = 1,

    /// <summary>No such entry: missing key, empty program-array slot, end of iteration.</summary>
    ENOENT = 2,

    /// <summary>Bad handle (file descriptor) in a map reference or an update.</summary>
    EBADF = 9,

    /// <summary>Try again: a ring buffer is full.</summary>
    EAGAIN = 11,

    /// <summary>Out of memory.</summary>
    ENOMEM = 12,

    /// <summary>Permission denied: the kernel verifier refused a program.</summary>
    EACCES = 13,

    /// <summary>Bad address: a load or store outside every region the program may touch.</summary>
    EFAULT = 14,

    /// <summary>Busy: the object is in use.</summary>
    EBUSY = 16,

    /// <summary>Already exists: BPF_NOEXIST on an existing key, a pin path in use.</summary>
    EEXIST = 17,

    /// <summary>Invalid argument: a malformed instruction, a bad attribute or flag.</summary>
    EINVAL = 22,

    /// <summary>Too big: a map is full, a program too long, a call chain too deep.</summary>
    E2BIG = 7,

    /// <summary>Function not implemented: no bpf(2) system call on this system.</summary>
    ENOSYS = 38,

    /// <summary>No space left: a map is full (the kernel's answer for some map types).</summary>
    ENOSPC = 28,

    /// <summary>Too many levels: the instruction budget of a run is exhausted.</summary>
    ELOOP = 40,

    /// <summary>Operation not supported by this map or program type (the kernel's ENOTSUPP, 524).</summary>
    ENOTSUPP = 524,
}
