using System.Text;
using Framework.Host.Isolation.Capabilities;
using Framework.Host.Isolation.Protocol;

namespace Framework.Host.Isolation.Parent;

/// <summary>
/// The host's side of one child's connection: the handshake (a child of another protocol version is
/// refused with both versions named), then requests paired with replies by id. One reader loop owns
/// the socket; when it ends (the child died, closed, or sent a broken frame) every request still
/// waiting fails with <see cref="PluginHostUnavailableException"/> saying why.
/// </summary>
internal sealed class PluginHostConnection : ICapabilityPeer, IAsyncDisposable
{
    private readonly FrameStream _stream;
    private readonly PendingRequests _pending = new();
    private readonly CancellationTokenSource _closing = new();
    private Task? _reader;
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

    /// <summary>Answers the child's own requests (capability resolves, calls and filter runs), each
    /// on the thread pool, so that a slow answer (a call into another child) never holds up the
    /// replies read after it; a child's request is a protocol error when null.</summary>
    public CapabilityServer? Capabilities { get; set; }

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
    public Task<PluginReply> SendAsync(PluginRequest request, CancellationToken cancellationToken) =>
        ExchangeAsync(FrameKind.Request, request.ToPayload(), cancellationToken);

    /// <inheritdoc />
    public Task<PluginReply> RunFilterAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        ExchangeAsync(FrameKind.FilterRun, payload, cancellationToken);

    private async Task<PluginReply> ExchangeAsync(FrameKind kind, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var id = _pending.NextId();
        var reply = _pending.Add(id, kind == FrameKind.FilterRun);
        try
        {
            if (_endedBecause is { } ended)
            {
                throw new PluginHostUnavailableException(ended);
            }

            try
            {
                await _stream.WriteAsync(new Frame(kind, id, payload), cancellationToken);
            }
            catch (IOException e)
            {
                throw new PluginHostUnavailableException(_endedBecause ?? $"the connection to the child broke: {e.Message}");
            }

            try
            {
                return await reply.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && _endedBecause is null && kind == FrameKind.Request)
            {
                // The work goes on in the child until its token is cancelled there too.
                _ = CancelAsync(id);
                throw;
            }
        }
        finally
        {
            _pending.Forget(id);
        }
    }

    private async Task CancelAsync(uint id)
    {
        try
        {
            var cancel = new PluginRequest(PluginRequest.Operations.Cancel) { Cancels = id };
            await _stream.WriteAsync(new Frame(FrameKind.Request, _pending.NextId(), cancel.ToPayload()), CancellationToken.None);
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

        _pending.FailAll(new PluginHostUnavailableException(reason));

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

                switch (frame.Kind)
                {
                    case FrameKind.Request when Capabilities is { } served:
                        var request = PluginRequest.Parse(frame.Payload);
                        var id = frame.Id;
                        _ = Task.Run(() => AnswerAsync(id, () => new Frame(FrameKind.Reply, id, (CapabilityServer.Serves(request)
                            ? served.Handle(request)
                            : new PluginReply(Cli.ExitCodes.Usage, Error: $"a plugin-host child's parent answers capability requests only, not '{request.Operation}'.")).ToPayload())), CancellationToken.None);
                        break;
                    case FrameKind.FilterRun when Capabilities is { } filters:
                        var (handle, packet) = FilterRunMessage.ParseRun(frame.Payload);
                        var runId = frame.Id;
                        _ = Task.Run(() => AnswerAsync(runId, () => filters.RunFilter(runId, handle, packet)), CancellationToken.None);
                        break;
                    case FrameKind.Reply or FrameKind.FilterVerdict:
                        _pending.Complete(frame);
                        break;
                    default:
                        throw new ProtocolException($"expected a Reply, FilterVerdict or Telemetry frame, got {frame.Kind}.");
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

    private async Task AnswerAsync(uint id, Func<Frame> answer)
    {
        Frame frame;
        try
        {
            frame = answer();
        }
#pragma warning disable CA1031 // The failure is the child's answer; the connection goes on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            frame = new Frame(FrameKind.Reply, id, new PluginReply(Cli.ExitCodes.Failure, Error: $"the request failed in the host: {e.GetType().Name}: {e.Message}").ToPayload());
        }

        try
        {
            await _stream.WriteAsync(frame, CancellationToken.None);
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
