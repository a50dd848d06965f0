using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Framework.Plugins.Elf2Dmp.Native;

/// <summary>
/// In-kernel copies between files with copy_file_range(2), which avoids moving the bytes through user
/// space (and lets file systems that can share extents do so). Falls back to read and write when the
/// kernel or file system cannot (ENOSYS, EXDEV, EINVAL, EOPNOTSUPP).
/// </summary>
internal static partial class FileCopy
{
    private const int ENOSYS = 38, EXDEV = 18, EINVAL = 22, EOPNOTSUPP = 95, EINTR = 4;
    private static int _unsupported;

    /// <summary>Copies exactly <paramref name="length"/> bytes; returns false when the caller must copy itself.</summary>
    /// <exception cref="Elf2DmpException">A real I/O error, or the input ended early (Io, Truncated).</exception>
    public static unsafe bool TryCopy(SafeFileHandle input, long inputOffset, SafeFileHandle output, long outputOffset, long length)
    {
        if (!OperatingSystem.IsLinux() || Volatile.Read(ref _unsupported) != 0)
        {
            return false;
        }

        var added = false;
        var addedOut = false;
        try
        {
            input.DangerousAddRef(ref added);
            output.DangerousAddRef(ref addedOut);
            var fdIn = (int)input.DangerousGetHandle();
            var fdOut = (int)output.DangerousGetHandle();
            var copiedAny = false;
            while (length > 0)
            {
                var result = CopyFileRange(fdIn, &inputOffset, fdOut, &outputOffset, (nuint)Math.Min(length, 1L << 30), 0);
                if (result < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == EINTR)
                    {
                        continue;
                    }

                    if (!copiedAny && errno is ENOSYS or EXDEV or EINVAL or EOPNOTSUPP)
                    {
                        Volatile.Write(ref _unsupported, 1);
                        return false;
                    }

                    throw new Elf2DmpException(Elf2DmpError.Io, "copy_file_range", (ulong)inputOffset, $"failed with errno {errno}");
                }

                if (result == 0)
                {
                    throw new Elf2DmpException(Elf2DmpError.Truncated, "guest memory", (ulong)inputOffset, "the input ended early (was it truncated while converting?)");
                }

                copiedAny = true;
                length -= result;
            }

            return true;
        }
        finally
        {
            if (added)
            {
                input.DangerousRelease();
            }

            if (addedOut)
            {
                output.DangerousRelease();
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "copy_file_range", SetLastError = true)]
    private static unsafe partial nint CopyFileRange(int fdIn, long* offIn, int fdOut, long* offOut, nuint len, uint flags);
}
