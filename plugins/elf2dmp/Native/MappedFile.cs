using System.IO.MemoryMappedFiles;

namespace Framework.Plugins.Elf2Dmp.Native;

/// <summary>
/// A read-only memory mapping of a whole file. Reads hand out spans over the mapping, so a
/// multi-gigabyte dump is never copied into the managed heap. Thread-safe for reads; dispose once.
/// </summary>
public sealed unsafe class MappedFile : IDisposable
{
    private readonly MemoryMappedFile? _map;
    private readonly MemoryMappedViewAccessor? _view;
    private readonly byte* _base;
    private int _disposed;

    private MappedFile(string path, MemoryMappedFile? map, MemoryMappedViewAccessor? view, byte* basePointer, long length)
    {
        Path = path;
        _map = map;
        _view = view;
        _base = basePointer;
        Length = length;
    }

    /// <summary>The mapped file's path.</summary>
    public string Path { get; }

    /// <summary>The file's length in bytes.</summary>
    public long Length { get; }

    /// <summary>Maps <paramref name="path"/> read-only.</summary>
    /// <exception cref="Elf2DmpException">The file cannot be opened or mapped (Io).</exception>
    public static MappedFile Open(string path)
    {
        try
        {
            var length = new FileInfo(path).Length;
            if (length == 0)
            {
                // mmap refuses empty files; an empty mapping still lets parsers report truncation.
                return new MappedFile(path, null, null, null, 0);
            }

            var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            pointer += view.PointerOffset;
            return new MappedFile(path, map, view, pointer, length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Elf2DmpException(Elf2DmpError.Io, path, null, ex.Message, ex);
        }
    }

    /// <summary>A span over <paramref name="length"/> bytes at <paramref name="offset"/>.</summary>
    /// <exception cref="Elf2DmpException">The range is outside the file (Truncated).</exception>
    public ReadOnlySpan<byte> Span(long offset, int length, string what)
    {
        if (!Contains(offset, length))
        {
            throw new Elf2DmpException(Elf2DmpError.Truncated, what, (ulong)Math.Max(offset, 0),
                $"needs {length} bytes but the file '{Path}' has {Length}");
        }

        return Unsafe(offset, length);
    }

    /// <summary>Whether the range lies inside the file.</summary>
    public bool Contains(long offset, long length) =>
        offset >= 0 && length >= 0 && offset <= Length && length <= Length - offset;

    /// <summary>A span over a range already known to be inside the file.</summary>
    internal ReadOnlySpan<byte> Unsafe(long offset, int length)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        return length == 0 ? ReadOnlySpan<byte>.Empty : new ReadOnlySpan<byte>(_base + offset, length);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_view is not null)
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }

        _map?.Dispose();
    }
}
