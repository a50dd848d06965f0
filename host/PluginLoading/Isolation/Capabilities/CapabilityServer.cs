using System.Runtime.CompilerServices;
using System.Text.Json;
using Framework.Abstractions.Capabilities;
using Framework.Host.Cli;
using Framework.Host.Isolation.Protocol;

namespace Framework.Host.Isolation.Capabilities;

/// <summary>
/// Serves the capabilities this side holds to the other side of one connection: resolves them by
/// type name to handles and runs calls on the objects behind the handles (the capabilities, and
/// the objects their calls return, such as a loaded packet filter, whose per-frame calls come as
/// binary FilterRun frames). A handle lives until the other side releases it or the connection ends.
/// Thread-safe.
/// </summary>
/// <param name="resolve">The providers of a capability (by full type name) that the other side may
/// use; throws <see cref="InvalidOperationException"/> naming the capability and both plugins when
/// one exists that cannot cross.</param>
internal sealed class CapabilityServer(Func<string, IReadOnlyList<(string PluginId, object Capability)>> resolve)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<uint, (object Target, IRemoteCapability Remote)> _objects = [];
    private readonly ConditionalWeakTable<object, StrongBox<uint>> _handles = [];
    private uint _next;

    /// <summary>True for the operations this class answers.</summary>
    public static bool Serves(PluginRequest request) =>
        request.Operation is PluginRequest.Operations.CapabilityResolve or PluginRequest.Operations.CapabilityCall;

    /// <summary>Answers a resolve or call request; failures are replies, never exceptions.</summary>
    public PluginReply Handle(PluginRequest request)
    {
        try
        {
            return request.Operation == PluginRequest.Operations.CapabilityResolve ? Resolve(request) : Call(request);
        }
        catch (ProtocolException e)
        {
            return new PluginReply(ExitCodes.Usage, Error: e.Message);
        }
    }

    /// <summary>Runs the packet filter <paramref name="handle"/> on <paramref name="packet"/> for the
    /// FilterRun <paramref name="id"/>: its FilterVerdict, or a Reply saying why it did not run (no such
    /// handle, not a filter, or what the filter threw, with its type).</summary>
    public Frame RunFilter(uint id, uint handle, ReadOnlyMemory<byte> packet)
    {
        object target;
        lock (_gate)
        {
            if (!_objects.TryGetValue(handle, out var entry))
            {
                return Failed(id, new PluginReply(ExitCodes.Failure, Error: $"no packet filter has handle {handle} here: it was released, or the process that handed it out restarted; load the filter again."));
            }

            target = entry.Target;
        }

        if (target is not IPacketFilter filter)
        {
            return Failed(id, new PluginReply(ExitCodes.Usage, Error: $"handle {handle} is a {target.GetType().Name}, not an {nameof(IPacketFilter)}."));
        }

        try
        {
            return new Frame(FrameKind.FilterVerdict, id, FilterRunMessage.Verdict(filter.Filter(packet.Span)));
        }
#pragma warning disable CA1031 // What the filter throws goes back to its caller, with its type.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Failed(id, new PluginReply(ExitCodes.Failure, Error: e.Message, Status: e.GetType().FullName));
        }
    }

    private static Frame Failed(uint id, PluginReply reply) => new(FrameKind.Reply, id, reply.ToPayload());

    private PluginReply Resolve(PluginRequest request)
    {
        var typeName = request.Capability ?? throw new ProtocolException("a capability resolve lacks 'capability'.");
        IReadOnlyList<(string PluginId, object Capability)> providers;
        try
        {
            providers = resolve(typeName);
        }
        catch (InvalidOperationException e)
        {
            return new PluginReply(ExitCodes.Failure, Error: e.Message);
        }

        if (providers.Count == 0)
        {
            return new PluginReply(ExitCodes.Success, "[]");
        }

        if (RemoteCapabilities.For(typeName) is not { } remote)
        {
            var publishers = string.Join(", ", providers.Select(p => $"'{p.PluginId}'"));
            return new PluginReply(ExitCodes.Failure, Error: $"capability {typeName} published by {publishers} cannot cross a process boundary: its calls are not plain data.");
        }

        var handles = providers.Select(p => new Dictionary<string, object> { ["plugin"] = p.PluginId, ["handle"] = Register(p.Capability, remote) }).ToList();
        return new PluginReply(ExitCodes.Success, JsonSerializer.Serialize(handles));
    }

    private PluginReply Call(PluginRequest request)
    {
        var handle = request.Handle ?? throw new ProtocolException("a capability call lacks 'handle'.");
        var member = request.Member ?? throw new ProtocolException("a capability call lacks 'member'.");
        (object Target, IRemoteCapability Remote) entry;
        lock (_gate)
        {
            if (!_objects.TryGetValue(handle, out entry))
            {
                return new PluginReply(ExitCodes.Failure, Error: $"no capability object has handle {handle} here: it was released, or the process that handed it out restarted; resolve the capability again.");
            }
        }

        (string? Value, object? Returned) result;
        try
        {
            result = entry.Remote.Invoke(entry.Target, new CapabilityCall(member, request.Arguments ?? []));
        }
        catch (ProtocolException)
        {
            throw;
        }
#pragma warning disable CA1031 // What the capability throws goes back to its caller, with its type.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new PluginReply(ExitCodes.Failure, Error: e.Message, Status: e.GetType().FullName);
        }

        if (member == nameof(IDisposable.Dispose))
        {
            lock (_gate)
            {
                _objects.Remove(handle);
            }
        }

        if (result.Returned is not { } returned)
        {
            return new PluginReply(ExitCodes.Success, result.Value ?? string.Empty);
        }

        var remote = RemoteCapabilities.Of(returned)
            ?? throw new ProtocolException($"{entry.Remote.Type.Name}.{member} returned a {returned.GetType().Name}, which cannot cross a process boundary.");
        return new PluginReply(ExitCodes.Success, result.Value ?? string.Empty, Status: remote.Type.FullName) { Handle = Register(returned, remote) };
    }

    private uint Register(object target, IRemoteCapability remote)
    {
        lock (_gate)
        {
            if (_handles.TryGetValue(target, out var known) && _objects.ContainsKey(known.Value))
            {
                return known.Value;
            }

            var handle = ++_next;
            _objects[handle] = (target, remote);
            _handles.AddOrUpdate(target, new StrongBox<uint>(handle));
            return handle;
        }
    }
}
