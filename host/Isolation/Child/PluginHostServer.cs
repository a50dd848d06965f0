using System.Collections.Concurrent;
using Framework.Abstractions.Commands;
using Framework.Host.Cli;
using Framework.Host.Isolation.Capabilities;
using Framework.Host.Isolation.Parent;
using Framework.Host.Isolation.Protocol;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Host.Isolation.Child;

/// <summary>
/// The child's side of the protocol: sends Hello and takes the configuration from the host's
/// Welcome, then answers requests until the host says stop or closes the socket. Requests run
/// concurrently, each with its own token that a cancel request cancels; a reply always goes back,
/// after the request's telemetry, with the failure in words when the operation failed. Filter runs
/// (one per packet a bridge forwards) are answered on the reading loop, without the telemetry flush:
/// a filter is short, and the forwarder's interval carries what it records. A broken frame from the
/// host ends the child.
/// </summary>
internal sealed class PluginHostServer(FrameStream connection, TextWriter log) : ICapabilityPeer
{
    private readonly ConcurrentDictionary<uint, CancellationTokenSource> _running = new();
    private readonly PendingRequests _asked = new();

    /// <summary>Asks the host (capabilities published elsewhere) and waits for its reply, which the
    /// serving loop reads.</summary>
    /// <exception cref="PluginHostUnavailableException">The connection to the host ended first.</exception>
    public Task<PluginReply> SendAsync(PluginRequest request, CancellationToken cancellationToken) =>
        AskAsync(FrameKind.Request, request.ToPayload(), cancellationToken);

    /// <inheritdoc />
    public Task<PluginReply> RunFilterAsync(ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        AskAsync(FrameKind.FilterRun, payload, cancellationToken);

    private async Task<PluginReply> AskAsync(FrameKind kind, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var id = _asked.NextId();
        var reply = _asked.Add(id, kind == FrameKind.FilterRun);
        try
        {
            await connection.WriteAsync(new Frame(kind, id, payload), cancellationToken);
            return await reply.WaitAsync(cancellationToken);
        }
        catch (IOException e)
        {
            throw new PluginHostUnavailableException($"the connection to the host broke: {e.Message}", e);
        }
        finally
        {
            _asked.Forget(id);
        }
    }

    /// <summary>Says Hello; the host's configuration, or null when it refused (said on the log).</summary>
    public async Task<WelcomeMessage?> HandshakeAsync(HelloMessage hello, CancellationToken cancellationToken)
    {
        await connection.WriteAsync(new Frame(FrameKind.Hello, 0, hello.ToPayload()), cancellationToken);
        var answer = await connection.ReadAsync(cancellationToken);
        switch (answer?.Kind)
        {
            case FrameKind.Welcome:
                return WelcomeMessage.Parse(answer.Payload);
            case FrameKind.Refusal:
                await log.WriteLineAsync($"framework plugin-host: the host refused this child: {System.Text.Encoding.UTF8.GetString(answer.Payload.Span)}");
                return null;
            default:
                await log.WriteLineAsync($"framework plugin-host: expected Welcome from the host, got {answer?.Kind.ToString() ?? "end of connection"}.");
                return null;
        }
    }

    /// <summary>Tells the host why this child gives up (the plugin did not load), before exiting.</summary>
    public async Task RefuseAsync(string why)
    {
        try
        {
            await connection.WriteAsync(new Frame(FrameKind.Refusal, 0, System.Text.Encoding.UTF8.GetBytes(why)), CancellationToken.None);
        }
        catch (IOException)
        {
            // The host is gone; the reason is on standard error too.
        }
    }

    public async Task<int> ServeAsync(LoadedPlugin plugin, TelemetryForwarder telemetry, CancellationToken cancellationToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = new List<Task>();
        while (!stopping.IsCancellationRequested)
        {
            Frame? frame;
            try
            {
                frame = await connection.ReadAsync(stopping.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (frame is null)
            {
                break;
            }

            if (frame.Kind is FrameKind.Reply or FrameKind.FilterVerdict)
            {
                _asked.Complete(frame);
                continue;
            }

            if (frame.Kind == FrameKind.FilterRun)
            {
                var (handle, packet) = FilterRunMessage.ParseRun(frame.Payload);
                await connection.WriteAsync(plugin.Capabilities.RunFilter(frame.Id, handle, packet), CancellationToken.None);
                continue;
            }

            if (frame.Kind != FrameKind.Request)
            {
                throw new ProtocolException($"expected a Request frame from the host, got {frame.Kind}.");
            }

            var request = PluginRequest.Parse(frame.Payload);
            var id = frame.Id;
            if (request.Operation == PluginRequest.Operations.Cancel)
            {
                // No reply: the cancelled request replies when its work ends.
                if (request.Cancels is { } target && _running.TryGetValue(target, out var cancel))
                {
                    await cancel.CancelAsync();
                }

                continue;
            }

            inFlight.RemoveAll(t => t.IsCompleted);
            var token = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
            _running[id] = token;
            inFlight.Add(Task.Run(async () =>
            {
                PluginReply reply;
                using (telemetry.UnderHostSpan(request.TraceParent))
                {
                    reply = await HandleAsync(plugin, request, token.Token);
                }

                _running.TryRemove(id, out _);
                token.Dispose();
                // Observable instruments are read when work ends, so that their values arrive with it.
                if (request.Operation is PluginRequest.Operations.Job or PluginRequest.Operations.Command or PluginRequest.Operations.Stop)
                {
                    telemetry.ObserveNow();
                }

                await telemetry.FlushAsync(CancellationToken.None);
                await connection.WriteAsync(new Frame(FrameKind.Reply, id, reply.ToPayload()), CancellationToken.None);
                if (request.Operation == PluginRequest.Operations.Stop)
                {
                    await stopping.CancelAsync();
                }
            }, CancellationToken.None));
        }

        _asked.FailAll(new PluginHostUnavailableException("the host closed the connection."));

        await Task.WhenAll(inFlight);
        return ExitCodes.Success;
    }

    private static async Task<PluginReply> HandleAsync(LoadedPlugin plugin, PluginRequest request, CancellationToken cancellationToken)
    {
        try
        {
            switch (request.Operation)
            {
                case PluginRequest.Operations.Health:
                    return await HealthAsync(plugin, cancellationToken);
                case PluginRequest.Operations.Start:
                    await plugin.StartAsync(cancellationToken);
                    return new PluginReply(ExitCodes.Success);
                case PluginRequest.Operations.Stop:
                    await plugin.StopAsync(CancellationToken.None);
                    return new PluginReply(ExitCodes.Success);
                case PluginRequest.Operations.Command:
                    return await CommandAsync(plugin, request, cancellationToken);
                case PluginRequest.Operations.Describe:
                    return new PluginReply(ExitCodes.Success, CommandDescription.Write(plugin.Builder.Commands));
                case PluginRequest.Operations.Jobs:
                    return new PluginReply(ExitCodes.Success, JobDescription.Write(plugin.Builder.Jobs.Select(j => new JobDescription(j.Name, j.Description))));
                case PluginRequest.Operations.Capabilities:
                    return new PluginReply(ExitCodes.Success, System.Text.Json.JsonSerializer.Serialize(plugin.Builder.Capabilities.Select(c => c.Type.FullName)));
                case PluginRequest.Operations.CapabilityResolve or PluginRequest.Operations.CapabilityCall:
                    return plugin.Capabilities.Handle(request);
                case PluginRequest.Operations.Checks:
                    return new PluginReply(ExitCodes.Success, System.Text.Json.JsonSerializer.Serialize(plugin.Builder.HealthChecks.Select(h => h.Name)));
                case PluginRequest.Operations.Job:
                    return await JobAsync(plugin, request, cancellationToken);
                default:
                    return new PluginReply(ExitCodes.Usage, Error: $"unknown operation '{request.Operation}'.");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new PluginReply(ExitCodes.Interrupted, Error: $"{request.Operation} was cancelled.", Status: "cancelled");
        }
#pragma warning disable CA1031 // The failure goes back to the host as the reply; the child keeps serving.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new PluginReply(ExitCodes.Failure, Error: $"{request.Operation} failed: {e.GetType().Name}: {e.Message}");
        }
    }

    private static async Task<PluginReply> HealthAsync(LoadedPlugin plugin, CancellationToken cancellationToken)
    {
        var worst = HealthStatus.Healthy;
        var descriptions = new List<string>();
        var results = new Dictionary<string, HealthCheckResult>(StringComparer.Ordinal);
        foreach (var (name, factory) in plugin.Builder.HealthChecks)
        {
            var check = factory(plugin.Services);
            var result = await check.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration(name, check, null, null) }, cancellationToken);
            results[name] = result;
            worst = result.Status < worst ? result.Status : worst;
            if (result.Status != HealthStatus.Healthy)
            {
                descriptions.Add($"{name}: {result.Description}");
            }
        }

        // The status and text fold the checks for the host; the output keeps each (Framework.Testing).
        return new PluginReply(ExitCodes.Success, HealthDescription.Write(results), string.Join("; ", descriptions), worst.ToString());
    }

    private static async Task<PluginReply> JobAsync(LoadedPlugin plugin, PluginRequest request, CancellationToken cancellationToken)
    {
        if (plugin.Builder.Jobs.FirstOrDefault(j => j.Name == request.Job) is not { } job)
        {
            return new PluginReply(ExitCodes.Usage, Error: $"the plugin has no job '{request.Job}'.");
        }

        try
        {
            await job.Run(plugin.Services, cancellationToken);
            return new PluginReply(ExitCodes.Success);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A failed job is the reply; the host logs and counts it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new PluginReply(ExitCodes.Failure, Error: $"{e.GetType().Name}: {e.Message}", Status: e.GetType().FullName);
        }
    }

    private static async Task<PluginReply> CommandAsync(LoadedPlugin plugin, PluginRequest request, CancellationToken cancellationToken)
    {
        var path = request.CommandPath ?? string.Empty;
        if (plugin.FindCommand(path) is not { Handler: { } handler })
        {
            return new PluginReply(ExitCodes.Usage, Error: $"the plugin has no command '{path}'.");
        }

        using var console = new ReplyConsole();
        var values = request.Values ?? new Dictionary<string, IReadOnlyList<string>>();
        var (exitCode, _) = await CommandOutcome.RunAsync(path, token => handler(new CommandContext(plugin.Services, console, values, path), token), console.Error, cancellationToken);
        return console.ToReply(exitCode);
    }
}
