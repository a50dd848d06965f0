using System.Text.Json;
using Framework.Host.Isolation.Parent;
using Framework.Host.Isolation.Protocol;

namespace Framework.Host.Isolation.Capabilities;

/// <summary>
/// Uses capabilities held on the other side of a connection (the host, for a plugin in a child; a
/// child, for the host): resolves them to proxies and sends the proxies' calls. Calls block the
/// caller until the reply arrives, as the contract's methods are synchronous. Thread-safe.
/// </summary>
/// <param name="send">Sends one request to the other side and returns its reply.</param>
internal sealed class CapabilityClient(Func<PluginRequest, CancellationToken, Task<PluginReply>> send)
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
    /// with its message; any other as <see cref="InvalidOperationException"/>.</exception>
    public (string? Value, object? Returned) Call(uint handle, CapabilityCall call)
    {
        var reply = Send(new PluginRequest(PluginRequest.Operations.CapabilityCall) { Handle = handle, Member = call.Member, Arguments = call.Arguments, Data = call.Data });
        if (reply.ExitCode != 0)
        {
            throw reply.Status switch
            {
                "System.IO.InvalidDataException" => new InvalidDataException(reply.Error),
                "System.IO.IOException" or "System.IO.FileNotFoundException" or "System.IO.DirectoryNotFoundException" => new IOException(reply.Error),
                "System.UnauthorizedAccessException" => new UnauthorizedAccessException(reply.Error),
                "System.NotSupportedException" => new NotSupportedException(reply.Error),
                _ => new InvalidOperationException(reply.Error),
            };
        }

        if (reply.Handle is not { } returned)
        {
            return (reply.Output, null);
        }

        var remote = RemoteCapabilities.For(reply.Status ?? string.Empty)
            ?? throw new ProtocolException($"a capability call returned an object of '{reply.Status}', which cannot cross a process boundary.");
        return (reply.Output, remote.Proxy(this, returned));
    }

    /// <summary>Releases the object <paramref name="handle"/> on the other side (disposing it there);
    /// nothing when the other side is gone.</summary>
    public void Release(uint handle)
    {
        try
        {
            Call(handle, new CapabilityCall(nameof(IDisposable.Dispose), []));
        }
        catch (PluginHostUnavailableException)
        {
            // The process that held it is gone, and the object with it.
        }
    }

    // Off the caller's synchronization context: the reply is completed by the connection's reader.
    private PluginReply Send(PluginRequest request) =>
        Task.Run(() => send(request, CancellationToken.None)).GetAwaiter().GetResult();

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
