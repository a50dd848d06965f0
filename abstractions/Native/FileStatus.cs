using System.Runtime.InteropServices;

namespace Framework.Abstractions.Native;

/// <summary>The type of a file system entry, from statx(2) without following a final symlink: the
/// BCL says whether a path is a file or a directory, but not whether it is a device, a FIFO or a
/// socket, and an output path must know before it opens anything.</summary>
internal static partial class FileStatus
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28;   // struct statx: stx_mode (u16), the same on every architecture
    private const int StatxSize = 256;

    /// <summary>The entry's type, or <see cref="FileKind.Missing"/> when nothing is there.</summary>
    public static FileKind GetKind(string path)
    {
        var buffer = new byte[StatxSize];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) != 0)
        {
            // ENOENT and ENOTDIR mean nothing is there; anything else (EACCES) is left to open() to report.
            var errno = Marshal.GetLastPInvokeError();
            return errno is 2 or 20 ? FileKind.Missing : FileKind.Unknown;
        }

        return (MemoryMarshal.Read<ushort>(buffer.AsSpan(ModeOffset)) & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0x1000 => FileKind.Fifo,
            0xC000 => FileKind.Socket,
            _ => FileKind.Unknown,
        };
    }

    /// <summary>The type of what <paramref name="fullPath"/> finally names, following symbolic links
    /// as open(2) would, and that final path; a link that does not resolve (a loop, more than 40
    /// hops) gives a null path.</summary>
    public static (FileKind Kind, string? Target) Resolve(string fullPath)
    {
        var target = fullPath;
        var kind = GetKind(target);
        for (var hops = 0; kind == FileKind.SymbolicLink; hops++)
        {
            var next = File.ResolveLinkTarget(target, returnFinalTarget: false)?.FullName;
            if (next is null || hops >= 40)
            {
                return (FileKind.SymbolicLink, null);
            }

            target = next;
            kind = GetKind(target);
        }

        return (kind, target);
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, [Out] byte[] buffer);
}
