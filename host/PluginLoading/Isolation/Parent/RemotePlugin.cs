using System.Diagnostics;
using Framework.Abstractions;
using Framework.Abstractions.Commands;
using Framework.Host.Isolation.Protocol;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Host.Isolation.Parent;

/// <summary>
/// The plugin a plugin-host child serves, as its parent sees it: its commands and jobs (described by
/// the child) as contract objects whose handlers and work run in the child, and its health checks.
/// The host's stand-in for an out-of-process plugin and Framework.Testing's out-of-process mode both
/// use it, so that a plugin is driven over the protocol the same way in either. Thread-safe.
/// </summary>
/// <param name="pluginId">The plugin's id, for messages.</param>
/// <param name="connection">The running child's connection; throws
/// <see cref="PluginHostUnavailableException"/> saying why when no child runs.</param>
internal sealed class RemotePlugin(string pluginId, Func<PluginHostConnection> connection)
{
    /// <summary>Asks the child for the plugin's commands and jobs.</summary>
    /// <exception cref="PluginHostUnavailableException">The child could not describe them.</exception>
    /// <exception cref="ProtocolException">The description is malformed.</exception>
    public async Task<(IReadOnlyList<PluginCommand> Commands, IReadOnlyList<PluginJob> Jobs)> DescribeAsync(CancellationToken cancellationToken)
    {
        var description = await connection().SendAsync(new PluginRequest(PluginRequest.Operations.Describe), cancellationToken);
        if (description.ExitCode != 0)
        {
            throw new PluginHostUnavailableException($"the plugin-host child could not describe its commands: {description.Error}");
        }

        var commands = CommandDescription.Read(description.Output);
        foreach (var command in commands)
        {
            Proxy(command);
        }

        var jobs = await connection().SendAsync(new PluginRequest(PluginRequest.Operations.Jobs), cancellationToken);
        if (jobs.ExitCode != 0)
        {
            throw new PluginHostUnavailableException($"the plugin-host child could not list its jobs: {jobs.Error}");
        }

        return (commands, JobDescription.Read(jobs.Output).Select(Proxy).ToList());
    }

    /// <summary>The full type names of the capabilities the plugin publishes.</summary>
    /// <exception cref="PluginHostUnavailableException">The child is gone or could not list them.</exception>
    /// <exception cref="ProtocolException">The list is malformed.</exception>
    public Task<IReadOnlyList<string>> CapabilityNamesAsync(CancellationToken cancellationToken) =>
        NamesAsync(PluginRequest.Operations.Capabilities, "capabilities", cancellationToken);

    /// <summary>The names of the plugin's health checks.</summary>
    /// <exception cref="PluginHostUnavailableException">The child is gone or could not list them.</exception>
    /// <exception cref="ProtocolException">The list is malformed.</exception>
    public Task<IReadOnlyList<string>> HealthCheckNamesAsync(CancellationToken cancellationToken) =>
        NamesAsync(PluginRequest.Operations.Checks, "health checks", cancellationToken);

    private async Task<IReadOnlyList<string>> NamesAsync(string operation, string what, CancellationToken cancellationToken)
    {
        var reply = await connection().SendAsync(new PluginRequest(operation), cancellationToken);
        if (reply.ExitCode != 0)
        {
            throw new PluginHostUnavailableException($"plugin '{pluginId}' could not list its {what}: {reply.Error}");
        }

        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<List<string>>(reply.Output) is { } names && names.TrueForAll(n => n is not null)
                ? names
                : throw new ProtocolException($"the {what} are not an array of strings.");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ProtocolException($"the {what} are malformed: {e.Message}", e);
        }
    }

    /// <summary>Runs every health check of the plugin in the child.</summary>
    /// <exception cref="PluginHostUnavailableException">The child is gone or the checks failed to run.</exception>
    /// <exception cref="ProtocolException">The results are malformed.</exception>
    public async Task<(HealthStatus Worst, string Description, IReadOnlyDictionary<string, HealthCheckResult> Checks)> CheckHealthAsync(CancellationToken cancellationToken)
    {
        var reply = await connection().SendAsync(new PluginRequest(PluginRequest.Operations.Health), cancellationToken);
        if (reply.ExitCode != 0)
        {
            throw new PluginHostUnavailableException($"plugin '{pluginId}' could not run its health checks: {reply.Error}");
        }

        var checks = reply.Output.Length == 0 ? new Dictionary<string, HealthCheckResult>() : HealthDescription.Read(reply.Output);
        var worst = Enum.TryParse<HealthStatus>(reply.Status, out var status) && Enum.IsDefined(status) ? status : HealthStatus.Unhealthy;
        return (worst, reply.Error, checks);
    }

    /// <summary>Sends a lifecycle request (start, stop) and fails with the child's reason when it fails.</summary>
    /// <exception cref="InvalidOperationException">The operation failed in the child.</exception>
    /// <exception cref="PluginHostUnavailableException">The child is gone.</exception>
    public async Task<PluginReply> SendOrThrowAsync(PluginRequest request, CancellationToken cancellationToken)
    {
        var reply = await connection().SendAsync(request, cancellationToken);
        return reply.ExitCode == 0 ? reply : throw new InvalidOperationException($"{request.Operation} failed in the plugin-host child: {reply.Error}");
    }

    private void Proxy(PluginCommand command)
    {
        if (command.Handler is not null)
        {
            var names = command.Arguments.Select(a => a.Name).Concat(command.Options.Select(o => o.Name)).ToList();
            command.Handler = async (context, token) =>
            {
                var values = names.Select(n => (Name: n, Values: context.GetArguments(n))).Where(v => v.Values.Count > 0)
                    .ToDictionary(v => v.Name, v => v.Values, StringComparer.Ordinal);
                PluginReply reply;
                try
                {
                    reply = await connection().SendAsync(new PluginRequest(PluginRequest.Operations.Command, context.CommandPath, values) { TraceParent = TraceParent() }, token);
                }
                catch (PluginHostUnavailableException e)
                {
                    throw new CommandFailedException($"plugin '{pluginId}' could not finish the command: {e.Message}");
                }

                await WriteAsync(context.Console, reply);
                return reply.ExitCode;
            };
        }

        foreach (var sub in command.Subcommands)
        {
            Proxy(sub);
        }
    }

    // The child's output with its tables put back where they were written, on this side's console.
    private static async Task WriteAsync(ICommandConsole console, PluginReply reply)
    {
        var at = 0;
        foreach (var table in reply.Tables)
        {
            await console.Out.WriteAsync(reply.Output.AsMemory(at, table.Offset - at));
            console.WriteTable(table.Title, table.Columns, table.Rows);
            at = table.Offset;
        }

        await console.Out.WriteAsync(reply.Output.AsMemory(at));
        await console.Error.WriteAsync(reply.Error);
    }

    private PluginJob Proxy(JobDescription job) => new(job.Name, job.Description, async (_, token) =>
    {
        PluginReply reply;
        try
        {
            reply = await connection().SendAsync(new PluginRequest(PluginRequest.Operations.Job) { Job = job.Name, TraceParent = TraceParent() }, token);
        }
        catch (PluginHostUnavailableException e)
        {
            throw new PluginHostUnavailableException($"plugin '{pluginId}' could not finish job '{job.Name}': {e.Message}", e);
        }

        token.ThrowIfCancellationRequested();
        if (reply.ExitCode != 0)
        {
            throw new PluginJobFailedException(reply.Status, reply.Error);
        }
    });

    // The parent's span around the work (a command's, a job's) becomes the parent of the plugin's spans.
    private static string? TraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;
}
