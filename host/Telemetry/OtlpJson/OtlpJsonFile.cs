namespace Framework.Host.Telemetry.OtlpJson;

/// <summary>
/// The file the OTLP-JSON exporters append to: one export request (a JSON object, no line breaks)
/// per line, as the OpenTelemetry Collector's file exporter writes. Thread-safe: traces, metrics and
/// logs are exported from different threads and each line is written whole under one lock, then
/// flushed to the operating system so that a crash loses at most the line being written and a
/// reader (a tail, a test) sees every completed line at once.
/// </summary>
public sealed class OtlpJsonFile : IDisposable
{
    private readonly Lock _gate = new();
    private FileStream? _stream;

    /// <summary>Opens (or creates) <paramref name="path"/> for appending, creating its directory.</summary>
    /// <exception cref="OtlpJsonFileException">The directory cannot be created or the file cannot be opened for appending.</exception>
    public OtlpJsonFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        try
        {
            Path = System.IO.Path.GetFullPath(path);
            var directory = System.IO.Path.GetDirectoryName(Path);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            // FileShare.ReadWrite: readers may follow the file while the host runs, and a second host
            // appending to the same file interleaves whole lines rather than failing to start.
            _stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new OtlpJsonFileException(path, e);
        }
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>Opens the file configured at <c>Host:Telemetry:FilePath</c>, or returns null when none is set.</summary>
    /// <exception cref="OtlpJsonFileException">The file cannot be opened for appending.</exception>
    public static OtlpJsonFile? Open(string? path) => string.IsNullOrWhiteSpace(path) ? null : new OtlpJsonFile(path);

    /// <summary>
    /// Serializes one export request with <paramref name="write"/> and appends it as one line. A
    /// failure to serialize or to write is an export failure, never an exception into the SDK.
    /// </summary>
    public OpenTelemetry.ExportResult AppendRequest<TState>(TState state, Action<System.Text.Json.Utf8JsonWriter, TState> write)
    {
        try
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
            using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, OtlpJsonWriter.Options))
            {
                write(writer, state);
            }

            return AppendLine(buffer.WrittenSpan) ? OpenTelemetry.ExportResult.Success : OpenTelemetry.ExportResult.Failure;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            return OpenTelemetry.ExportResult.Failure;
        }
    }

    /// <summary>
    /// Appends <paramref name="utf8Json"/> and a line feed as one write. Returns false once the file
    /// is disposed (a late export after shutdown is dropped, not an error).
    /// </summary>
    /// <exception cref="ArgumentException">The line contains a line feed, which would split the request.</exception>
    public bool AppendLine(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Contains((byte)'\n'))
        {
            throw new ArgumentException("an OTLP-JSON line must not contain a line feed.", nameof(utf8Json));
        }

        // One buffer and one write call: with O_APPEND a whole line lands together even when
        // another process appends to the same file.
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(utf8Json.Length + 1);
        try
        {
            utf8Json.CopyTo(buffer);
            buffer[utf8Json.Length] = (byte)'\n';
            lock (_gate)
            {
                if (_stream is null)
                {
                    return false;
                }

                _stream.Write(buffer, 0, utf8Json.Length + 1);
                _stream.Flush();
                return true;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Closes the file. Safe to call more than once; later appends return false.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _stream?.Dispose();
            _stream = null;
        }
    }
}
