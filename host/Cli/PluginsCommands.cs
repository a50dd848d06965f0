using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Framework.Host.Discovery;
using Framework.Host.Health;
using Framework.Host.Lifecycle;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Host.Cli;

/// <summary><c>framework plugins list|inspect</c>.</summary>
internal static class PluginsCommands
{
    public static Command Create(PluginManager manager, CommandInvoker invoker)
    {
        var plugins = new Command("plugins", "List and inspect the plugins this host finds.");

        var json = new Option<bool>("--json") { Description = "Write JSON instead of a table." };
        var start = new Option<bool>("--start") { Description = "Also start and stop every plugin, to show faults in start and stop." };
        var list = new Command("list", "One row per discovered plugin: id, version, contract version, state, health, load time, path.") { json, start };
        list.SetAction((parse, ct) => invoker.InvokeAsync("plugins list", null, async token =>
        {
            if (parse.GetValue(start))
            {
                await manager.StartAllAsync(token);
                var started = await PluginHealthReport.CollectAsync(manager, token);
                await manager.StopAllAsync(token);
                Write(invoker.Console, started, parse.GetValue(json));

                // The check is the point of --start: a plugin that faulted in start or stop fails
                // it (exit 1), as it fails `run`; refused and skipped plugins are only reported.
                var faulted = manager.Plugins
                    .Where(p => started.StateOf(p).State == PluginState.Faulted || p.State == PluginState.Faulted)
                    .Select(p => $"{p.Id} {p.Version}")
                    .Distinct(StringComparer.Ordinal)
                    .ToList();
                if (faulted.Count > 0)
                {
                    await invoker.Console.Error.WriteLineAsync($"framework plugins list: {faulted.Count} plugin(s) faulted in start or stop: {string.Join(", ", faulted)}.");
                    return ExitCodes.Failure;
                }

                return ExitCodes.Success;
            }

            var report = await PluginHealthReport.CollectAsync(manager, token);
            Write(invoker.Console, report, parse.GetValue(json));
            return ExitCodes.Success;
        }, ct));
        plugins.Subcommands.Add(list);

        var id = new Argument<string>("id") { Description = "The plugin id." };
        var inspectJson = new Option<bool>("--json") { Description = "Write JSON instead of text." };
        var inspect = new Command("inspect", "Everything the host knows about one plugin: manifest, checks, state, commands, jobs, health, assemblies.") { id, inspectJson };
        inspect.SetAction((parse, ct) => invoker.InvokeAsync("plugins inspect", null, async token =>
        {
            var wanted = parse.GetValue(id)!;
            var matches = manager.Plugins.Where(p => string.Equals(p.Id, wanted, StringComparison.OrdinalIgnoreCase)).ToList();
            if (matches.Count == 0)
            {
                throw new Framework.Abstractions.Commands.CommandUsageException(
                    $"no plugin '{wanted}'. Known: {string.Join(", ", manager.Plugins.Select(p => p.Id).Distinct())}.");
            }

            var documents = new List<Dictionary<string, object?>>();
            foreach (var plugin in matches)
            {
                var health = await new PluginHealthCheck(manager, plugin).CheckHealthAsync(new HealthCheckContext(), token);
                documents.Add(Describe(manager, plugin, health));
            }

            if (parse.GetValue(inspectJson))
            {
                await invoker.Console.Out.WriteLineAsync(JsonSerializer.Serialize(documents.Count == 1 ? documents[0] : (object)documents, JsonOptions));
            }
            else
            {
                foreach (var document in documents)
                {
                    invoker.Console.WriteTable(
                        $"{document["id"]} {document["version"]}",
                        ["Field", "Value"],
                        document.Select(kv => (IReadOnlyList<string>)[kv.Key, Format(kv.Value)]));
                }
            }

            return ExitCodes.Success;
        }, ct));
        plugins.Subcommands.Add(inspect);
        return plugins;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private static void Write(SpectreCommandConsole console, PluginHealthReport report, bool json)
    {
        if (json)
        {
            var rows = report.Entries.Select(e => new Dictionary<string, object?>
            {
                ["id"] = e.Plugin.Id,
                ["version"] = e.Plugin.Version,
                ["contractVersion"] = e.Plugin.Manifest?.ContractVersion.ToNormalizedString(),
                ["isolation"] = IsolationOf(e.Plugin),
                ["capabilities"] = e.Plugin.Manifest?.RequiresCapabilities,
                ["state"] = report.StateOf(e.Plugin).State.ToString(),
                ["health"] = e.Result.Status.ToString(),
                ["loadTimeMs"] = e.Plugin.LoadTime is { } t ? Math.Round(t.TotalMilliseconds, 1) : null,
                ["path"] = e.Plugin.Folder,
                ["reason"] = report.StateOf(e.Plugin).Reason,
                ["healthDescription"] = e.Result.Description,
            });
            console.Out.WriteLine(JsonSerializer.Serialize(rows, JsonOptions));
            return;
        }

        console.WriteTable(
            null,
            ["Id", "Version", "Contract", "Isolation", "Capabilities", "State", "Health", "Load time", "Path", "Detail"],
            report.Entries.Select(e => (IReadOnlyList<string>)
            [
                e.Plugin.Id,
                e.Plugin.Version,
                e.Plugin.Manifest?.ContractVersion.ToNormalizedString() ?? "?",
                IsolationOf(e.Plugin) ?? "-",
                e.Plugin.Manifest is { RequiresCapabilities.Count: > 0 } m ? string.Join(' ', m.RequiresCapabilities) : "-",
                report.StateOf(e.Plugin).State.ToString(),
                e.Result.Status.ToString(),
                e.Plugin.LoadTime is { } t ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:0.0} ms") : "-",
                e.Plugin.Folder,
                report.StateOf(e.Plugin).Reason ?? (e.Result.Status == HealthStatus.Healthy ? string.Empty : e.Result.Description ?? string.Empty),
            ]));
    }

    private static Dictionary<string, object?> Describe(PluginManager manager, PluginRuntime plugin, HealthCheckResult health)
    {
        var manifest = plugin.Manifest;
        var document = new Dictionary<string, object?>
        {
            ["id"] = plugin.Id,
            ["version"] = plugin.Version,
            ["description"] = manifest?.Description,
            ["path"] = plugin.Folder,
            ["entryAssembly"] = manifest?.EntryAssembly,
            ["entryAssemblySha256"] = manifest is not null && File.Exists(manifest.EntryAssemblyPath) ? TrustPolicy.Sha256Of(manifest.EntryAssemblyPath) : null,
            ["folderSha256"] = Directory.Exists(plugin.Folder) ? TrustPolicy.FolderHashes(plugin.Folder) : null,
            ["contractVersion"] = manifest?.ContractVersion.ToNormalizedString(),
            ["hostContractVersion"] = ContractCompatibility.HostContractVersion.ToNormalizedString(),
            ["requiresOs"] = manifest?.RequiresOs,
            ["isolation"] = IsolationOf(plugin),
            ["isolationSource"] = plugin.Isolation?.Source,
            ["requiresCapabilities"] = manifest?.RequiresCapabilities,
            ["missingCapabilities"] = manifest is null ? null : LinuxCapabilities.Missing(manifest.RequiresCapabilities),
            ["state"] = plugin.State.ToString(),
            ["reason"] = plugin.StateReason,
            ["loadTimeMs"] = plugin.LoadTime is { } t ? Math.Round(t.TotalMilliseconds, 1) : null,
            ["health"] = health.Status.ToString(),
            ["healthDescription"] = health.Description,
            ["commands"] = manager.Commands.Where(c => c.Plugin == plugin).Select(c => c.Command.Name).ToList(),
            ["jobs"] = manager.Jobs.Where(j => j.Plugin == plugin).Select(j => $"{j.Job.Name}: {j.Job.Description}").ToList(),
            ["healthChecks"] = manager.HealthChecksOf(plugin).Select(h => h.Name).ToList(),
            ["capabilities"] = manager.CapabilitiesOf(plugin).Select(c => c.FullName).ToList(),
            ["privateAssemblies"] = plugin.LoadedAssemblies,
        };
        return document;
    }

    // The decided mode of a selected plugin, else what its manifest asks for.
    private static string? IsolationOf(PluginRuntime plugin) =>
        (plugin.Isolation?.Isolation ?? plugin.Manifest?.Isolation)?.ToName();

    private static string Format(object? value) => value switch
    {
        null => "-",
        string s => s,
        System.Collections.IEnumerable items => string.Join(Environment.NewLine, items.Cast<object?>().Select(Format)) is { Length: > 0 } text ? text : "-",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "-",
    };
}
