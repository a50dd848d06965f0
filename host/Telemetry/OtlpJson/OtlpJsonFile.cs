namespace Framework.Host.Telemetry.OtlpJson;

/// <summary>
/// The file the OTLP-JSON exporters append to: one export request (a JSON object, no line breaks)
/// per line, as the OpenTelemetry Collector's file exporter writes. Thread-safe: traces, metrics and
/// logs are exported from different threads and each line is written whole under one lock, then
/// flushed to the operating system so that a crash loses at most the line being written and a
/// reader (a tail, a test) sees every completed line at once.
/// <para>
/// The path follows the rules of the contract's <c>OutputFile</c> where they apply to a file that is
/// appended to: a symbolic link is followed, a character device or FIFO (<c>/dev/stdout</c>, a pipe)
/// is written through, a directory, a block device, a socket and a link that does not resolve are refused. Atomic, for a file appended to by the line, means the
/// line: each is one write(2) under O_APPEND, and when a write fails part-way (a full disk) the file
/// is cut back to where that line started, so a reader never sees half a request. (Another process
/// appending to the same file at that moment may lose its line with it.) The first failed write is
/// reported on standard error, once; later ones are counted in <see cref="FailedLines"/>.
/// </para>
/// </summary>
public sealed class OtlpJsonFile : IDisposable
{
    private readonly Lock _gate = new();
    private FileStream? _stream;
    private long _failedLines;

    /// <summary>Opens (or creates) <paramref name="path"/> for appending, creating its directory.</summary>
    /// <exception cref="OtlpJsonFileException">The directory cannot be created or the file cannot be opened for appending.</exception>
    public OtlpJsonFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        try
        {
            Path = System.IO.Path.GetFullPath(path);
            switch (Framework.Abstractions.Native.FileStatus.Resolve(Path))
            {
                case (_, null):
                    throw new IOException("it is a symbolic link that does not resolve (a loop?)");
                case (Framework.Abstractions.Native.FileKind.Directory, _):
                    throw new IOException("it is a directory; name a file to append to");
                case (Framework.Abstractions.Native.FileKind.BlockDevice, _):
                    throw new IOException("it is a block device; telemetry is never written over a disk");
                case (Framework.Abstractions.Native.FileKind.Socket, _):
                    throw new IOException("it is a socket; name a file to append to");
            }

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

    /// <summary>How many lines could not be written (each an export reported as failed).</summary>
    public long FailedLines => Interlocked.Read(ref _failedLines);

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

                var start = _stream.CanSeek ? _stream.Length : -1;
                try
                {
                    _stream.Write(buffer, 0, utf8Json.Length + 1);
                    _stream.Flush();
                    return true;
                }
                catch (IOException e)
                {
                    CutBack(start);
                    Report(e);
                    throw;
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Under the lock: a short write leaves part of a line; the file goes back to where it began.
    private void CutBack(long start)
    {
        try
        {
            if (start >= 0 && _stream!.Length > start)
            {
                _stream.SetLength(start);
            }
        }
        catch (IOException)
        {
            // A device or a disk that refuses even that: nothing more can be done for this line.
        }
    }

    private void Report(IOException e)
    {
        if (Interlocked.Increment(ref _failedLines) == 1)
        {
            Console.Error.WriteLine(Cli.TerminalText.Escape(
                $"framework: warning: {OtlpJsonFileException.ConfigurationKey}: cannot append to '{Path}': {e.Message}; telemetry that cannot be written is dropped."));
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
