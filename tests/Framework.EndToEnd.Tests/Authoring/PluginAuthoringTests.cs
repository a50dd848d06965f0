using System.Text.Json;
using Framework.EndToEnd.Tests.Infrastructure;

namespace Framework.EndToEnd.Tests.Authoring;

/// <summary>From `dotnet new framework-plugin` to a plugin running in the real host (issue 3):
/// see <see cref="AuthoringWorkspace"/> for the author's steps, done once.</summary>
[Collection(AuthoringCollection.Name)]
public sealed class PluginAuthoringTests(AuthoringWorkspace workspace)
{
    [Fact]
    public void The_generated_tests_pass_on_Framework_Testing()
    {
        Assert.NotNull(workspace.TestRun);
        Assert.Contains("Passed!", workspace.TestRun.Output, StringComparison.Ordinal);
        Assert.Contains("Failed:     0", workspace.TestRun.Output, StringComparison.Ordinal);

        // FRAMEWORK_HOST_PATH was set: the three theories ran the plugin in a plugin-host child as
        // well (8 tests; 5 when they run in process only).
        Assert.Contains("Passed:     8, Skipped:     0, Total:     8", workspace.TestRun.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_published_plugin_is_listed_and_the_newer_minor_is_refused()
    {
        var result = await FrameworkProcess.RunAsync(["plugins", "list", "--json", "--no-bundled-plugins", "--plugins-dir", workspace.PluginsFolder]);

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var plugins = json.RootElement.EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!);
        var generated = plugins[AuthoringWorkspace.PluginId];
        Assert.Equal("0.1.0", generated.GetProperty("version").GetString());
        Assert.Equal("1.2.0", generated.GetProperty("contractVersion").GetString());
        Assert.NotEqual("Refused", generated.GetProperty("state").GetString());
        var future = plugins[AuthoringWorkspace.FuturePluginId];
        Assert.Equal("Refused", future.GetProperty("state").GetString());
        Assert.Equal("1.3.0", future.GetProperty("contractVersion").GetString());
        Assert.Equal("built against Framework.Abstractions 1.3.0, newer than this host's 1.2.0: a newer host is needed.", future.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task The_plugin_command_runs_with_its_configuration_and_its_spans_reach_the_file_exporter()
    {
        var telemetryFile = Path.Combine(workspace.Root, $"otlp-{Guid.NewGuid():N}.jsonl");

        var result = await FrameworkProcess.RunAsync(
        [
            "--no-bundled-plugins", "--plugins-dir", workspace.PluginsFolder,
            "--set", $"Host:Telemetry:FilePath={telemetryFile}",
            "--set", $"Plugins:{AuthoringWorkspace.PluginId}:Greeting=Hey",
            AuthoringWorkspace.PluginId, "greet", "world",
        ]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Hey, world!", result.Output.Trim());
        var spans = ReadSpans(telemetryFile);
        var greet = Assert.Single(spans, s => s.Name == $"{AuthoringWorkspace.PluginId}.greet");
        Assert.Equal($"Framework.Plugins.{AuthoringWorkspace.PluginId}", greet.Scope);
        Assert.Equal(AuthoringWorkspace.PluginId, greet.ScopeAttributes["framework.plugin.id"]);
        Assert.Equal("0.1.0", greet.ScopeAttributes["framework.plugin.version"]);
        Assert.Contains(spans, s => s.Name == $"command {AuthoringWorkspace.PluginId} greet");
    }

    [Fact]
    public void The_generated_manifest_lists_the_plugin_verb()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(workspace.PluginsFolder, AuthoringWorkspace.PluginId, "plugin.json")));

        Assert.Equal([AuthoringWorkspace.PluginId], manifest.RootElement.GetProperty("commands").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public async Task The_plugin_verb_loads_only_the_generated_plugin_beside_the_bundled_ones()
    {
        // The bundled plugins and the refused newer-minor plugin are discovered too; the verb's owner,
        // named by its manifest, is the only one admitted and loaded.
        var result = await FrameworkProcess.RunAsync(["--plugins-dir", workspace.PluginsFolder, "--verbose", AuthoringWorkspace.PluginId, "greet", "world"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Hello, world!", result.Output.Trim());
        Assert.Contains($"Plugin {AuthoringWorkspace.PluginId} 0.1.0: Loading -> Configured", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(": Loading ->", result.Error.Replace($"Plugin {AuthoringWorkspace.PluginId} 0.1.0: Loading ->", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain(AuthoringWorkspace.FuturePluginId, result.Error, StringComparison.Ordinal);
    }

    private static List<(string Scope, IReadOnlyDictionary<string, string?> ScopeAttributes, string Name)> ReadSpans(string file)
    {
        Assert.True(File.Exists(file), $"the host wrote no telemetry file at {file}.");
        var spans = new List<(string, IReadOnlyDictionary<string, string?>, string)>();
        foreach (var line in File.ReadLines(file).Where(l => l.Length > 0))
        {
            using var document = JsonDocument.Parse(line);
            if (!document.RootElement.TryGetProperty("resourceSpans", out var resources))
            {
                continue;
            }

            foreach (var scopeSpans in resources.EnumerateArray().SelectMany(r => r.GetProperty("scopeSpans").EnumerateArray()))
            {
                var scope = scopeSpans.GetProperty("scope");
                var attributes = scope.TryGetProperty("attributes", out var list)
                    ? list.EnumerateArray().ToDictionary(a => a.GetProperty("key").GetString()!, a => a.GetProperty("value").TryGetProperty("stringValue", out var s) ? s.GetString() : null)
                    : [];
                foreach (var span in scopeSpans.GetProperty("spans").EnumerateArray())
                {
                    spans.Add((scope.GetProperty("name").GetString()!, attributes, span.GetProperty("name").GetString()!));
                }
            }
        }

        return spans;
    }
}
