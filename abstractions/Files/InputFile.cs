using System.Globalization;
using Framework.Abstractions.Commands;

namespace Framework.Abstractions.Files;

/// <summary>
/// Reads a file the user named, whole, but never more than a limit suited to its kind: a regular
/// file is refused by its size before anything is read (a sparse file of terabytes costs nothing),
/// and a device or FIFO, which has no size (/dev/zero), is read until one byte past the limit. The
/// error names the file, its size where known and the limit, so nothing ends in an out-of-memory.
/// Larger inputs (packet captures of gigabytes, memory dumps) are streamed or mapped instead.
/// </summary>
public static class InputFile
{
    /// <summary>The limit for programs, plans, definitions and other small inputs: 16 MiB.</summary>
    public const long SmallLimit = 16L << 20;

    /// <summary>The limit for data inputs read whole (packets, memory blocks, captures): 256 MiB.</summary>
    public const long DataLimit = 256L << 20;

    /// <summary>Reads the whole file.</summary>
    /// <param name="path">The file as the user named it.</param>
    /// <param name="what">What the file is, for messages (<c>--data</c>, <c>program</c>).</param>
    /// <param name="limit">The largest size accepted, in bytes.</param>
    /// <exception cref="CommandUsageException">The file does not exist or is a directory.</exception>
    /// <exception cref="CommandFailedException">The file is larger than <paramref name="limit"/> or cannot be read.</exception>
    public static byte[] ReadAllBytes(string path, string what, long limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        if (Directory.Exists(path))
        {
            throw new CommandUsageException($"{what}: '{path}' is a directory, not a file.");
        }

        if (!File.Exists(path))
        {
            throw new CommandUsageException($"{what}: no such file '{path}'.");
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            long length = 0;
            if (stream.CanSeek && (length = stream.Length) > limit)
            {
                throw new CommandFailedException($"{what}: '{path}' is {Size(length)}, over the limit of {Size(limit)} for this input.");
            }

            return Read(stream, path, what, limit, length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandFailedException($"{what}: cannot read '{path}': {e.Message}", e);
        }
    }

    /// <summary>Reads a stream (standard input, a pipe) to its end, but never more than a limit.</summary>
    /// <param name="stream">The stream; read, not disposed.</param>
    /// <param name="what">What the stream is, for messages (<c>standard input</c>).</param>
    /// <param name="limit">The largest size accepted, in bytes.</param>
    /// <exception cref="CommandFailedException">The stream has more than <paramref name="limit"/> bytes.</exception>
    public static byte[] ReadAll(Stream stream, string what, long limit)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return Read(stream, what, what, limit, 0);
    }

    /// <summary>Reads the whole file as UTF-8 text, under the same limit.</summary>
    /// <inheritdoc cref="ReadAllBytes" path="/param"/>
    /// <exception cref="CommandUsageException">The file does not exist or is a directory.</exception>
    /// <exception cref="CommandFailedException">The file is larger than <paramref name="limit"/> or cannot be read.</exception>
    public static string ReadAllText(string path, string what, long limit)
    {
        var bytes = ReadAllBytes(path, what, limit);
        var start = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        return System.Text.Encoding.UTF8.GetString(bytes, start, bytes.Length - start);
    }

    /// <summary>A byte count for people: 1.5 GiB, 64 MiB, 512 bytes.</summary>
    public static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MiB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };

    private static byte[] Read(Stream stream, string path, string what, long limit, long length)
    {
        // Devices, FIFOs and pipes report no length (or a wrong one): read at most one byte past the limit.
        var buffer = new byte[(int)Math.Min(Math.Max(length, 1L << 16), limit + 1)];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (total > limit)
                {
                    throw TooLarge(path, what, limit);
                }

                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, limit + 1));
            }

            var read = stream.Read(buffer, total, buffer.Length - total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        if (total > limit)
        {
            throw TooLarge(path, what, limit);
        }

        Array.Resize(ref buffer, total);
        return buffer;
    }

    private static CommandFailedException TooLarge(string path, string what, long limit) =>
        new($"{what}: '{path}' goes on past the limit of {Size(limit)} for this input (a device, a pipe, or a file that grew while read).");
}
