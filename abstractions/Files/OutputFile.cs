using System.Collections.Concurrent;
using Framework.Abstractions.Commands;
using Framework.Abstractions.Native;
using Microsoft.Win32.SafeHandles;

namespace Framework.Abstractions.Files;

/// <summary>
/// A file a command writes, so that nothing is ever left half-written or replaced by mistake. What
/// the output path names decides what happens, the same for every command:
/// <list type="bullet">
/// <item>nothing, or a regular file: the content goes to a temporary file in the same folder, which
/// is flushed, fsync'ed and renamed over the path by <see cref="Commit"/>; a failure, a full disk or a
/// signal before that leaves the old file (or none) and no temporary file. A replaced file keeps its
/// permissions.</item>
/// <item>a symbolic link: followed, as cp does; the file it points to is replaced atomically and the
/// link stays.</item>
/// <item>a character device or a FIFO (/dev/null, /dev/stdout, a named pipe): written through, in
/// place, as a shell redirection would; there is nothing to make atomic.</item>
/// <item>a directory, a block device or a socket: refused as a usage error; a block device is never
/// overwritten by a command's output.</item>
/// <item>a path in a folder that does not exist: refused as a usage error.</item>
/// </list>
/// Not thread-safe; one writer per instance. Dispose without <see cref="Commit"/> discards the output.
/// </summary>
public sealed class OutputFile : IDisposable
{
    // Values are the keys again: a dictionary of two reference types runs on code ReadyToRun
    // precompiled, where <string, byte> would be compiled at run time by every command that writes.
    private static readonly ConcurrentDictionary<string, string> Pending = new(StringComparer.Ordinal);
    private readonly string? _temporary;
    private readonly FileStream _stream;
    private bool _committed;

    static OutputFile()
    {
        // A forced exit (a second Ctrl+C) still removes temporary files.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var path in Pending.Keys)
            {
                TryDelete(path);
            }
        };
    }

    private OutputFile(string path, string what, string target, string? temporary, FileStream stream)
    {
        Path = path;
        What = what;
        TargetPath = target;
        _temporary = temporary;
        _stream = stream;
    }

    /// <summary>The path as the user gave it.</summary>
    public string Path { get; }

    /// <summary>What the output is, for messages (<c>--output</c>).</summary>
    public string What { get; }

    /// <summary>The file that is written: <see cref="Path"/> with symbolic links followed.</summary>
    public string TargetPath { get; }

    /// <summary>Whether the output appears whole at <see cref="Commit"/> (false for a device or FIFO).</summary>
    public bool IsAtomic => _temporary is not null;

    /// <summary>The stream to write to (unbuffered when atomic: the handle and the stream agree).</summary>
    public Stream Stream => _stream;

    /// <summary>The handle, for positional writes (<see cref="RandomAccess"/>) to an atomic output.</summary>
    public SafeFileHandle Handle => _stream.SafeFileHandle;

    /// <summary>Opens an output as the type's summary describes.</summary>
    /// <param name="path">The path the user gave.</param>
    /// <param name="what">What the output is, for messages (<c>--output</c>, <c>output</c>).</param>
    /// <param name="preallocationSize">The final size when known, reserved up front for an atomic output.</param>
    /// <exception cref="CommandUsageException">The path is a directory, a block device or a socket, or its folder does not exist.</exception>
    /// <exception cref="CommandFailedException">The output cannot be created (permissions, a read-only file system).</exception>
    public static OutputFile Create(string path, string what, long preallocationSize = 0)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var (kind, resolved) = FileStatus.Resolve(System.IO.Path.GetFullPath(path));
        var target = resolved ?? throw new CommandUsageException($"{what}: '{path}' is a symbolic link that does not resolve (a loop?).");

        try
        {
            switch (kind)
            {
                case FileKind.Directory:
                    throw new CommandUsageException($"{what}: '{path}' is a directory; name a file to write.");
                case FileKind.BlockDevice:
                    throw new CommandUsageException($"{what}: '{path}' is a block device; refusing to write over it.");
                case FileKind.Socket:
                    throw new CommandUsageException($"{what}: '{path}' is a socket; name a file to write.");
                case FileKind.CharacterDevice or FileKind.Fifo:
                    var through = new FileStream(target, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 1 << 16);
                    return new OutputFile(path, what, target, null, through);
            }

            var folder = System.IO.Path.GetDirectoryName(target)!;
            if (!Directory.Exists(folder))
            {
                throw new CommandUsageException($"{what}: no such folder '{folder}' for '{path}'.");
            }

            var temporary = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(target)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            Pending[temporary] = temporary;
            try
            {
                var stream = new FileStream(temporary, new FileStreamOptions
                {
                    Mode = FileMode.CreateNew,
                    Access = FileAccess.Write,
                    Share = FileShare.None,
                    BufferSize = 0,
                    PreallocationSize = Math.Max(0, preallocationSize),
                });
                if (kind == FileKind.Regular && !OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(stream.SafeFileHandle, File.GetUnixFileMode(target));
                }

                return new OutputFile(path, what, target, temporary, stream);
            }
            catch
            {
                Forget(temporary);
                throw;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"{what}: cannot write '{path}': {e.Message}", e);
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> as the type's summary describes.</summary>
    /// <inheritdoc cref="Create" path="/exception"/>
    public static void WriteAllBytes(string path, string what, ReadOnlySpan<byte> bytes)
    {
        using var output = Create(path, what, bytes.Length);
        output.Write(bytes);
        output.Commit();
    }

    /// <summary>Writes <paramref name="text"/> as UTF-8 (no byte order mark) to <paramref name="path"/>.</summary>
    /// <inheritdoc cref="Create" path="/exception"/>
    public static void WriteAllText(string path, string what, string text) =>
        WriteAllBytes(path, what, new System.Text.UTF8Encoding(false).GetBytes(text));

    /// <summary>Appends bytes to the output.</summary>
    /// <exception cref="CommandFailedException">The write failed (a full disk); the output is discarded.</exception>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        try
        {
            _stream.Write(bytes);
        }
        catch (IOException e)
        {
            throw Failed(e);
        }
    }

    /// <summary>Flushes the content to the disk and renames it over the path (atomic outputs), or
    /// flushes it (devices and FIFOs). Calling it twice does nothing more.</summary>
    /// <exception cref="CommandFailedException">The flush or the rename failed; the path keeps its old content.</exception>
    public void Commit()
    {
        if (_committed)
        {
            return;
        }

        try
        {
            _stream.Flush(flushToDisk: _temporary is not null);
            _stream.Dispose();
            if (_temporary is not null)
            {
                File.Move(_temporary, TargetPath, overwrite: true);
                Pending.TryRemove(_temporary, out _);
            }

            _committed = true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Failed(e);
        }
    }

    /// <summary>Closes the output; without <see cref="Commit"/>, the temporary file is removed and
    /// the path keeps its old content.</summary>
    public void Dispose()
    {
        try
        {
            _stream.Dispose();
        }
        catch (IOException)
        {
            // Flushing what was not committed failed: it is being discarded anyway.
        }

        if (_temporary is not null && !_committed)
        {
            Forget(_temporary);
        }
    }

    /// <summary>The error for a failure while writing, naming the output.</summary>
    /// <param name="cause">What went wrong.</param>
    public CommandFailedException Failed(Exception cause) =>
        new($"{What}: cannot write '{Path}': {cause.Message}{(IsAtomic ? " (nothing was written there)" : string.Empty)}", cause);

    private static void Forget(string temporary)
    {
        TryDelete(temporary);
        Pending.TryRemove(temporary, out _);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the folder went away or became read-only.
        }
    }
}
