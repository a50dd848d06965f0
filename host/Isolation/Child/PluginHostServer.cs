using Framework.Abstractions.Commands;
using Framework.Host.Cli;
using Framework.Host.Isolation.Protocol;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Host.Isolation.Child;

/// <summary>
/// The child's side of the protocol: sends Hello, waits for Welcome, then answers requests until the
/// host says stop or closes the socket. Requests run concurrently; a reply always goes back, with the
/// failure in words when the operation failed. A broken frame from the host ends the child.
/// </summary>
internal sealed class PluginHostServer(FrameStream connection, LoadedPlugin plugin, TextWriter log)
{
    public async Task<int> ServeAsync(HelloMessage hello, CancellationToken cancellationToken)
    {
        await connection.WriteAsync(new Frame(FrameKind.Hello, 0, hello.ToPayload()), cancellationToken);
        var answer = await connection.ReadAsync(cancellationToken);
        switch (answer?.Kind)
        {
            case FrameKind.Welcome:
                break;
            case FrameKind.Refusal:
                await log.WriteLineAsync($"framework plugin-host: the host refused this child: {System.Text.Encoding.UTF8.GetString(answer.Payload.Span)}");
                return ExitCodes.Failure;
            default:
                await log.WriteLineAsync($"framework plugin-host: expected Welcome from the host, got {answer?.Kind.ToString() ?? "end of connection"}.");
                return ExitCodes.Failure;
        }

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

            if (frame.Kind != FrameKind.Request)
            {
                throw new ProtocolException($"expected a Request frame from the host, got {frame.Kind}.");
            }

            var request = PluginRequest.Parse(frame.Payload);
            var id = frame.Id;
            inFlight.RemoveAll(t => t.IsCompleted);
            inFlight.Add(Task.Run(async () =>
            {
                var reply = await HandleAsync(request, stopping.Token);
                await connection.WriteAsync(new Frame(FrameKind.Reply, id, reply.ToPayload()), CancellationToken.None);
                if (request.Operation == PluginRequest.Operations.Stop)
                {
                    await stopping.CancelAsync();
                }
            }, CancellationToken.None));
        }

        await Task.WhenAll(inFlight);
        return ExitCodes.Success;
    }

    private async Task<PluginReply> HandleAsync(PluginRequest request, CancellationToken cancellationToken)
    {
        try
        {
            switch (request.Operation)
            {
                case PluginRequest.Operations.Health:
                    return await HealthAsync(cancellationToken);
                case PluginRequest.Operations.Start:
                    await plugin.StartAsync(cancellationToken);
                    return new PluginReply(ExitCodes.Success);
                case PluginRequest.Operations.Stop:
                    await plugin.StopAsync(CancellationToken.None);
                    return new PluginReply(ExitCodes.Success);
                case PluginRequest.Operations.Command:
                    return await CommandAsync(request, cancellationToken);
                case PluginRequest.Operations.Describe:
                    return new PluginReply(ExitCodes.Success, CommandDescription.Write(plugin.Builder.Commands));
                default:
                    return new PluginReply(ExitCodes.Usage, Error: $"unknown operation '{request.Operation}'.");
            }
        }
#pragma warning disable CA1031 // The failure goes back to the host as the reply; the child keeps serving.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new PluginReply(ExitCodes.Failure, Error: $"{request.Operation} failed: {e.GetType().Name}: {e.Message}");
        }
    }

    private async Task<PluginReply> HealthAsync(CancellationToken cancellationToken)
    {
        var worst = HealthStatus.Healthy;
        var descriptions = new List<string>();
        foreach (var (name, factory) in plugin.Builder.HealthChecks)
        {
            var result = await factory(plugin.Services).CheckHealthAsync(new HealthCheckContext(), cancellationToken);
            worst = result.Status < worst ? result.Status : worst;
            if (result.Status != HealthStatus.Healthy)
            {
                descriptions.Add($"{name}: {result.Description}");
            }
        }

        return new PluginReply(ExitCodes.Success, Error: string.Join("; ", descriptions), Status: worst.ToString());
    }

    private async Task<PluginReply> CommandAsync(PluginRequest request, CancellationToken cancellationToken)
    {
        var path = request.CommandPath ?? string.Empty;
        if (plugin.FindCommand(path) is not { Handler: { } handler })
        {
            return new PluginReply(ExitCodes.Usage, Error: $"the plugin has no command '{path}'.");
        }

        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new SpectreCommandConsole(output, error, interactive: false);
        var values = request.Values ?? new Dictionary<string, IReadOnlyList<string>>();
        var (exitCode, _) = await CommandOutcome.RunAsync(path, token => handler(new CommandContext(plugin.Services, console, values, path), token), error, cancellationToken);
        return new PluginReply(exitCode, output.ToString(), error.ToString());
    }
}
