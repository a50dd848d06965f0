using System.Text.Json;
using Framework.Host.Isolation.Parent;
using Framework.Host.Isolation.Protocol;

namespace Framework.Host.Isolation.Capabilities;

/// <summary>
/// Uses capabilities held on the other side of a connection (the host, for a plugin in a child; a
/// child, for the host): resolves them to proxies and sends the proxies' calls. Calls block the
/// caller until the reply arrives, as the contract's methods are synchronous. A peer that is gone
/// (its process died or restarted) fails a call with <see cref="InvalidOperationException"/> saying
/// why, the contract's word for an object that can no longer be used. Thread-safe.
/// </summary>
/// <param name="peer">The other side.</param>
internal sealed class CapabilityClient(ICapabilityPeer peer)
{
    /// <summary>The providers of <paramref name="typeName"/> the other side offers, as proxies.</summary>
    /// <exception cref="InvalidOperationException">A provider exists that cannot cross (the message
    /// names the capability and both plugins), or the other side is gone.</exception>
    public IReadOnlyList<(string PluginId, object Capability)> Resolve(string typeName)
    {
        var reply = Send(new PluginRequest(PluginRequest.Operations.CapabilityResolve) { Capability = typeName });
        if (reply.ExitCode != 0)
        {
            throw new InvalidOperationException(reply.Error);
        }

        var providers = ReadProviders(reply.Output);
        if (providers.Count > 0 && RemoteCapabilities.For(typeName) is not { } remote)
        {
            throw new ProtocolException($"the other side offered {typeName}, which cannot cross a process boundary.");
        }

        return providers.Select(p => (p.Plugin, RemoteCapabilities.For(typeName)!.Proxy(this, p.Handle))).ToList();
    }

    /// <summary>Calls <paramref name="call"/> on the object <paramref name="handle"/> on the other side.</summary>
    /// <returns>The result, and a proxy for an object the call returned.</returns>
    /// <exception cref="InvalidDataException">And the other standard exceptions the call threw there
    /// (<see cref="IOException"/>, <see cref="UnauthorizedAccessException"/>, <see cref="NotSupportedException"/>),
    /// with its message; any other, and a peer that is gone, as <see cref="InvalidOperationException"/>.</exception>
    public (string? Value, object? Returned) Call(uint handle, CapabilityCall call)
    {
        var reply = Send(new PluginRequest(PluginRequest.Operations.CapabilityCall) { Handle = handle, Member = call.Member, Arguments = call.Arguments });
        if (reply.ExitCode != 0)
        {
            throw Failure(reply);
        }

        if (reply.Handle is not { } returned)
        {
            return (reply.Output, null);
        }

        var remote = RemoteCapabilities.For(reply.Status ?? string.Empty)
            ?? throw new ProtocolException($"a capability call returned an object of '{reply.Status}', which cannot cross a process boundary.");
        return (reply.Output, remote.Proxy(this, returned));
    }

    /// <summary>Runs the packet filter <paramref name="handle"/> on the other side over
    /// <paramref name="packet"/>, in one binary FilterRun frame.</summary>
    /// <returns>The bytes to keep.</returns>
    /// <exception cref="ArgumentException">The packet is larger than a frame carries.</exception>
    /// <exception cref="InvalidOperationException">The peer is gone or no longer holds the filter;
    /// or what the filter threw there, as <see cref="Call"/> maps it.</exception>
    public uint Filter(uint handle, ReadOnlySpan<byte> packet)
    {
        var payload = FilterRunMessage.Run(handle, packet);
        var reply = Wait(() => peer.RunFilterAsync(payload, CancellationToken.None));
        return reply.Verdict ?? throw Failure(reply);
    }

    /// <summary>Releases the object <paramref name="handle"/> on the other side (disposing it there);
    /// nothing when the other side is gone.</summary>
    public void Release(uint handle)
    {
        try
        {
            Call(handle, new CapabilityCall(nameof(IDisposable.Dispose), []));
        }
        catch (InvalidOperationException)
        {
            // The process that held it is gone (or restarted), and the object with it.
        }
    }

    private static Exception Failure(PluginReply reply) => reply.Status switch
    {
        "System.IO.InvalidDataException" => new InvalidDataException(reply.Error),
        "System.IO.IOException" or "System.IO.FileNotFoundException" or "System.IO.DirectoryNotFoundException" => new IOException(reply.Error),
        "System.UnauthorizedAccessException" => new UnauthorizedAccessException(reply.Error),
        "System.NotSupportedException" => new NotSupportedException(reply.Error),
        _ => new InvalidOperationException(reply.Error),
    };

    private PluginReply Send(PluginRequest request) => Wait(() => peer.SendAsync(request, CancellationToken.None));

    // A caller with a synchronization context waits off it (the reply is completed by the
    // connection's reader); one without (a bridge's thread) waits directly, one hand-off fewer.
    private static PluginReply Wait(Func<Task<PluginReply>> send)
    {
        try
        {
            return SynchronizationContext.Current is null
                ? send().GetAwaiter().GetResult()
                : Task.Run(send).GetAwaiter().GetResult();
        }
        catch (PluginHostUnavailableException e)
        {
            throw new InvalidOperationException($"the process that holds the capability cannot be reached: {e.Message}", e);
        }
    }

    private static List<(string Plugin, uint Handle)> ReadProviders(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 });
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new ProtocolException("the capability providers are not a JSON array.");
            }

            return document.RootElement.EnumerateArray().Select(p =>
                p.ValueKind == JsonValueKind.Object
                && p.TryGetProperty("plugin", out var plugin) && plugin.ValueKind == JsonValueKind.String
                && p.TryGetProperty("handle", out var handle) && handle.ValueKind == JsonValueKind.Number && handle.TryGetUInt32(out var number)
                    ? (plugin.GetString()!, number)
                    : throw new ProtocolException("a capability provider lacks 'plugin' (string) or 'handle' (number).")).ToList();
        }
        catch (JsonException e)
        {
            throw new ProtocolException($"the capability providers are malformed: {e.Message}", e);
        }
    }
}
