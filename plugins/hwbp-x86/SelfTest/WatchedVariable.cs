using System.Runtime.InteropServices;
using Framework.Plugins.HwbpX86.Native;

namespace Framework.Plugins.HwbpX86.SelfTest;

/// <summary>
/// A 64-bit variable alone on an anonymous page of its own, for a watchpoint whose hits must be this
/// program's writes and nothing else. In the kernel lab a variable from the malloc heap (where the
/// runtime, the JIT and libc keep their own data on the same thread) got 2 to 115 extra hits from
/// instructions in libclrjit, libcoreclr and libc that ran on the watching thread between arming and
/// disarming; a variable on its own page got exactly one hit per write in every run.
/// </summary>
internal sealed unsafe class WatchedVariable : IDisposable
{
    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapPrivate = 0x02;
    private const int MapAnonymous = 0x20;
    private readonly nuint _length = (nuint)Environment.SystemPageSize;
    private long* _page;

    /// <exception cref="HwbpException">mmap(2) refused the page; the message says why.</exception>
    public WatchedVariable()
    {
        var page = LibC.Mmap(null, _length, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (page == (void*)-1)
        {
            throw NativeCallException.For($"mmap(a private page of {(ulong)_length} bytes for the watched variable)", (Errno)Marshal.GetLastPInvokeError());
        }

        _page = (long*)page;
    }

    /// <summary>The variable (the first 8 bytes of the page).</summary>
    public long* Pointer => _page != null ? _page : throw new ObjectDisposedException(nameof(WatchedVariable));

    /// <summary>Its address, for the watch request.</summary>
    public ulong Address => (ulong)Pointer;

    /// <summary>Unmaps the page; close the watch on it first.</summary>
    public void Dispose()
    {
        if (_page != null)
        {
            LibC.Munmap(_page, _length);
            _page = null;
        }
    }
}
