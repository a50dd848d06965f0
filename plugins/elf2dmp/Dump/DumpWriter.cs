using Framework.Abstractions.Commands;
using Framework.Abstractions.Files;
using Framework.Plugins.Elf2Dmp.Memory;
using Framework.Plugins.Elf2Dmp.Native;
using Microsoft.Win32.SafeHandles;

namespace Framework.Plugins.Elf2Dmp.Dump;

/// <summary>
/// Writes a crash dump: the header, then every page of the physical memory runs copied from the input
/// in large chunks, in the kernel (copy_file_range) where no patch applies and through a buffer with
/// the patches applied where one does (the input is never modified). The output is
/// written to a temporary file in the destination folder and renamed over the destination only when
/// complete, so a failure or cancellation never leaves a partial dump behind.
/// </summary>
public static class DumpWriter
{
    /// <summary>The copy chunk: large enough for sequential throughput, small enough for memory.</summary>
    public const int ChunkSize = 4 << 20;

    /// <summary>Writes the dump.</summary>
    /// <param name="outputPath">The destination; replaced atomically.</param>
    /// <param name="header">The header.</param>
    /// <param name="memory">The physical memory; its blocks give the page order.</param>
    /// <param name="patches">Output-only changes; each must lie within one block.</param>
    /// <param name="progress">Receives bytes written so far and the total.</param>
    /// <param name="cancellationToken">Stops the copy; the temporary file is removed.</param>
    /// <param name="flushToDisk">Kept for callers: the dump is now always fsync'ed before it is
    /// renamed into place (<see cref="OutputFile.Commit"/>).</param>
    /// <returns>The number of bytes written.</returns>
    /// <exception cref="Elf2DmpException">I/O failed (Io) or a patch lies outside memory (InvalidData).</exception>
    public static long Write(string outputPath, DumpHeader64 header, PhysicalMemory memory, IReadOnlyList<MemoryPatch> patches,
        Action<long, long>? progress, CancellationToken cancellationToken, bool flushToDisk = false)
    {
        foreach (var patch in patches)
        {
            if (!memory.IsPresent(patch.PhysicalAddress, patch.Data.Length))
            {
                throw new Elf2DmpException(Elf2DmpError.InvalidData, patch.What, patch.PhysicalAddress, "the patch is not inside one block of physical memory");
            }
        }

        var full = Path.GetFullPath(outputPath);
        var total = (long)header.RequiredDumpSpace;
        // The contract's output file decides what a directory, device, FIFO or symlink means, and
        // makes a regular file appear whole or not at all.
        using var target = OutputFile.Create(outputPath, "output", total);
        try
        {
            var headerBytes = header.ToBytes();
            using (var input = File.OpenHandle(memory.File.Path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan))
            {
                var output = target.Handle;

                // The dump is written strictly in order (header, then each block after the last), so
                // an output that cannot seek (a FIFO, a pipe as /dev/stdout) is streamed, not refused.
                var streaming = !target.Stream.CanSeek;
                void Put(ReadOnlySpan<byte> bytes, long offset)
                {
                    if (streaming)
                    {
                        target.Write(bytes);
                    }
                    else
                    {
                        RandomAccess.Write(output, bytes, offset);
                    }
                }

                Put(headerBytes, 0);
                var written = (long)headerBytes.Length;
                byte[]? buffer = null;
                foreach (var block in memory.Blocks)
                {
                    for (ulong done = 0; done < block.Size;)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var length = (int)Math.Min(ChunkSize, block.Size - done);
                        var address = block.Address + done;
                        var inputOffset = block.FileOffset + (long)done;
                        // Chunks without patches are copied by the kernel; the few with patches go through a buffer.
                        if (streaming || Touches(patches, address, length) || !FileCopy.TryCopy(input, inputOffset, output, written, length))
                        {
                            buffer ??= new byte[ChunkSize];
                            var chunk = buffer.AsSpan(0, length);
                            ReadExactly(input, chunk, inputOffset, memory.File.Path);
                            Apply(patches, address, chunk);
                            Put(chunk, written);
                        }

                        done += (ulong)length;
                        written += length;
                        progress?.Invoke(written, total);
                    }
                }

            }

            // Commit always fsyncs before the rename: a dump that survives only until the next
            // power failure is not worth the bytes. flushToDisk is kept for callers that asked.
            _ = flushToDisk;
            target.Commit();
            return total;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Elf2DmpException(Elf2DmpError.Io, "dump output", null, $"{full}: {ex.Message}", ex);
        }
        catch (CommandFailedException ex) when (ex.InnerException is { } inner)
        {
            throw new Elf2DmpException(Elf2DmpError.Io, "dump output", null, $"{full}: {inner.Message}", ex);
        }
    }

    private static void ReadExactly(SafeFileHandle input, Span<byte> destination, long offset, string path)
    {
        while (!destination.IsEmpty)
        {
            var read = RandomAccess.Read(input, destination, offset);
            if (read == 0)
            {
                throw new Elf2DmpException(Elf2DmpError.Truncated, "guest memory", (ulong)offset, $"{path} ended early (was it truncated while converting?)");
            }

            destination = destination[read..];
            offset += read;
        }
    }

    private static bool Touches(IReadOnlyList<MemoryPatch> patches, ulong address, int length)
    {
        foreach (var patch in patches)
        {
            if (patch.PhysicalAddress < address + (ulong)length && patch.PhysicalAddress + (ulong)patch.Data.Length > address)
            {
                return true;
            }
        }

        return false;
    }

    private static void Apply(IReadOnlyList<MemoryPatch> patches, ulong chunkAddress, Span<byte> chunk)
    {
        var chunkEnd = chunkAddress + (ulong)chunk.Length;
        foreach (var patch in patches)
        {
            var start = Math.Max(patch.PhysicalAddress, chunkAddress);
            var end = Math.Min(patch.PhysicalAddress + (ulong)patch.Data.Length, chunkEnd);
            if (start < end)
            {
                patch.Data.AsSpan((int)(start - patch.PhysicalAddress), (int)(end - start)).CopyTo(chunk[(int)(start - chunkAddress)..]);
            }
        }
    }
}
