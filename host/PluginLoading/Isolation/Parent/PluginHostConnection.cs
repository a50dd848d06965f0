using System.Collections.Concurrent;
using System.Text;
using Framework.Host.Isolation.Protocol;

namespace Framework.Host.Isolation.Parent;

/// <summary>
/// The host's side of one child's connection: the handshake (a child of another protocol version is
/// refused with both versions named), then requests paired with replies by id. One reader loop owns
/// the socket; when it ends (the child died, closed, or sent a broken frame) every request still
/// waiting fails with <see cref="PluginHostUnavailableException"/> saying why.
/// </summary>
internal sealed class PluginHostConnection : IAsyncDisposable
{
    private readonly FrameStream _stream;
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<PluginReply>> _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private Task? _reader;
    private uint _nextId;
    private volatile string? _endedBecause;

    private readonly Func<string, Task<string>>? _explain;

    /// <param name="stream">The accepted socket's stream.</param>
    /// <param name="explain">Turns "the connection closed" into why (the child's exit code or
    /// signal): the end of the socket usually arrives before the process's exit is seen.</param>
    public PluginHostConnection(Stream stream, Func<string, Task<string>>? explain = null)
    {
        _stream = new FrameStream(stream);
        _explain = explain;
    }

    /// <summary>Why the connection ended, or null while it is up.</summary>
    public string? EndedBecause => _endedBecause;

    /// <summary>Raised once when the connection ends, with the reason.</summary>
    public event Action<string>? Ended;

    /// <summary>Replays the child's Telemetry frames, on the reader loop, before the replies that
    /// follow them; a <see cref="ProtocolException"/> it throws cuts the child off.</summary>
    public Action<ReadOnlyMemory<byte>>? Telemetry { get; set; }

    /// <summary>Answers the child's own requests (capability resolves and calls), each on the thread
    /// pool, so that a slow answer never holds up the replies read after it; a child's request is a
    /// protocol error when null.</summary>
    public Func<PluginRequest, CancellationToken, Task<PluginReply>>? Serve { get; set; }

    /// <summary>Reads the child's Hello, checks its version and answers Welcome (with
    /// <paramref name="welcome"/>, the plugin's configuration) or Refusal.</summary>
    /// <exception cref="ProtocolException">The child sent no Hello, a broken frame, or another version.</exception>
    public async Task<HelloMessage> HandshakeAsync(WelcomeMessage welcome, CancellationToken cancellationToken)
    {
        HelloMessage hello;
        try
        {
            var frame = await _stream.ReadAsync(cancellationToken)
                ?? throw new ProtocolException("the child closed the connection before its Hello.");
            if (frame.Kind != FrameKind.Hello)
            {
                throw new ProtocolException($"the child's first frame is {frame.Kind}, not Hello.");
            }

            hello = HelloMessage.Parse(frame.Payload);
            if (hello.VersionProblem() is { } problem)
            {
                throw new ProtocolException(problem);
            }
        }
        catch (ProtocolException e)
        {
            await RefuseAsync(e.Message);
            throw;
        }

        await _stream.WriteAsync(new Frame(FrameKind.Welcome, 0, welcome.ToPayload()), cancellationToken);
        _reader = Task.Run(ReadRepliesAsync, CancellationToken.None);
        return hello;
    }

    /// <summary>Sends one request and waits for its reply.</summary>
    /// <exception cref="PluginHostUnavailableException">The connection ended before the reply.</exception>
    public async Task<PluginReply> SendAsync(PluginRequest request, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var reply = new TaskCompletionSource<PluginReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        try
        {
            if (_endedBecause is { } ended)
            {
                throw new PluginHostUnavailableException(ended);
            }

            try
            {
                await _stream.WriteAsync(new Frame(FrameKind.Request, id, request.ToPayload()), cancellationToken);
            }
            catch (IOException e)
            {
                throw new PluginHostUnavailableException(_endedBecause ?? $"the connection to the child broke: {e.Message}");
            }

            try
            {
                return await reply.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && _endedBecause is null)
            {
                // The work goes on in the child until its token is cancelled there too.
                _ = CancelAsync(id);
                throw;
            }
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task CancelAsync(uint id)
    {
        try
        {
            var cancel = new PluginRequest(PluginRequest.Operations.Cancel) { Cancels = id };
            await _stream.WriteAsync(new Frame(FrameKind.Request, Interlocked.Increment(ref _nextId), cancel.ToPayload()), CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The child is gone: nothing left to cancel.
        }
    }

    /// <summary>Ends the connection from the host's side with <paramref name="reason"/> (a child that
    /// exited or was killed); waiting requests fail with it.</summary>
    public void End(string reason)
    {
        if (Interlocked.CompareExchange(ref _endedBecause, reason, null) is not null)
        {
            return;
        }

        foreach (var (_, waiting) in _pending)
        {
            waiting.TrySetException(new PluginHostUnavailableException(reason));
        }

        _closing.Cancel();
        Ended?.Invoke(reason);
    }

    private async Task ReadRepliesAsync()
    {
        string reason;
        try
        {
            while (true)
            {
                var frame = await _stream.ReadAsync(_closing.Token);
                if (frame is null)
                {
                    reason = "the child closed the connection.";
                    End(_explain is null ? reason : await _explain(reason));
                    return;
                }

                if (frame.Kind == FrameKind.Telemetry)
                {
                    Telemetry?.Invoke(frame.Payload);
                    continue;
                }

                if (frame.Kind == FrameKind.Refusal)
                {
                    // The child gives up (its plugin did not load) and says why before exiting.
                    End($"the plugin-host child gave up: {Encoding.UTF8.GetString(frame.Payload.Span)}");
                    return;
                }

                if (frame.Kind == FrameKind.Request && Serve is { } serve)
                {
                    var request = PluginRequest.Parse(frame.Payload);
                    var id = frame.Id;
                    _ = Task.Run(() => AnswerAsync(serve, request, id), CancellationToken.None);
                    continue;
                }

                if (frame.Kind != FrameKind.Reply)
                {
                    throw new ProtocolException($"expected a Reply or Telemetry frame, got {frame.Kind}.");
                }

                var reply = PluginReply.Parse(frame.Payload);
                if (_pending.TryGetValue(frame.Id, out var waiting))
                {
                    waiting.TrySetResult(reply);
                }
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }
        catch (ProtocolException e)
        {
            reason = $"the child broke the protocol and was cut off: {e.Message}";
            await RefuseAsync(e.Message);
        }
        catch (IOException e)
        {
            reason = $"the connection to the child broke: {e.Message}";
        }

        End(_explain is null ? reason : await _explain(reason));
    }

    private async Task AnswerAsync(Func<PluginRequest, CancellationToken, Task<PluginReply>> serve, PluginRequest request, uint id)
    {
        PluginReply reply;
        try
        {
            reply = await serve(request, _closing.Token);
        }
#pragma warning disable CA1031 // The failure is the child's answer; the connection goes on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            reply = new PluginReply(Cli.ExitCodes.Failure, Error: $"{request.Operation} failed in the host: {e.GetType().Name}: {e.Message}");
        }

        try
        {
            await _stream.WriteAsync(new Frame(FrameKind.Reply, id, reply.ToPayload()), CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The child is gone; so is its question.
        }
    }

    private async Task RefuseAsync(string message)
    {
        try
        {
            await _stream.WriteAsync(new Frame(FrameKind.Refusal, 0, Encoding.UTF8.GetBytes(message)), CancellationToken.None);
        }
        catch (IOException)
        {
            // The child is gone already; the refusal is for the log, which the caller writes.
        }
    }

    public async ValueTask DisposeAsync()
    {
        End("the host closed the connection.");
        await _stream.DisposeAsync();
        if (_reader is not null)
        {
            await _reader.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _closing.Dispose();
    }
}
