using System.Collections.Concurrent;

namespace Framework.Host.Isolation.Protocol;

/// <summary>
/// The requests one side of a connection sent and still waits for, by id, for both the host's and
/// the child's reader loops: a <see cref="FrameKind.Reply"/> answers any of them, a
/// <see cref="FrameKind.FilterVerdict"/> only a <see cref="FrameKind.FilterRun"/> (anything else is a
/// protocol error). Thread-safe.
/// </summary>
internal sealed class PendingRequests
{
    private readonly ConcurrentDictionary<uint, (TaskCompletionSource<PluginReply> Reply, bool FilterRun)> _waiting = new();
    private uint _next;

    /// <summary>A new request id (also for requests that get no reply, such as cancel).</summary>
    public uint NextId() => Interlocked.Increment(ref _next);

    /// <summary>Waits for the answer to request <paramref name="id"/>; <see cref="Forget"/> it when done.</summary>
    /// <param name="id">From <see cref="NextId"/>.</param>
    /// <param name="filterRun">Whether the request is a FilterRun (which a FilterVerdict may answer).</param>
    public Task<PluginReply> Add(uint id, bool filterRun)
    {
        var reply = new TaskCompletionSource<PluginReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[id] = (reply, filterRun);
        return reply.Task;
    }

    /// <summary>Stops waiting for request <paramref name="id"/> (answered, failed or given up).</summary>
    public void Forget(uint id) => _waiting.TryRemove(id, out _);

    /// <summary>Completes the request that <paramref name="frame"/> (a Reply or a FilterVerdict)
    /// answers; an answer to a request no one waits for any more is dropped.</summary>
    /// <exception cref="ProtocolException">The payload is malformed, or a FilterVerdict answers a
    /// request that is not a FilterRun.</exception>
    public void Complete(Frame frame)
    {
        PluginReply reply;
        if (frame.Kind == FrameKind.FilterVerdict)
        {
            var keep = FilterRunMessage.ParseVerdict(frame.Payload);
            if (_waiting.TryGetValue(frame.Id, out var asked) && !asked.FilterRun)
            {
                throw new ProtocolException($"a FilterVerdict answered request {frame.Id}, which is not a FilterRun.");
            }

            reply = new PluginReply(0) { Verdict = keep };
        }
        else
        {
            reply = PluginReply.Parse(frame.Payload);
        }

        if (_waiting.TryGetValue(frame.Id, out var waiting))
        {
            waiting.Reply.TrySetResult(reply);
        }
    }

    /// <summary>Fails every waiting request with <paramref name="error"/>.</summary>
    public void FailAll(Exception error)
    {
        foreach (var (_, waiting) in _waiting)
        {
            waiting.Reply.TrySetException(error);
        }
    }
}
