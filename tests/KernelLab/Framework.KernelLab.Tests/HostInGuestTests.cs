using System.Text.Json;

namespace Framework.KernelLab.Tests;

/// <summary>The host users run, with its bundled plugins, runs unchanged in the lab and sees the
/// lab kernel's features (user_events here, which this machine's kernel may lack).</summary>
[Collection(LabCollection.Name)]
[Trait("Category", "KernelLab")]
public sealed class HostInGuestTests
{
    [KernelLabFact]
    public async Task Framework_plugins_list_starts_all_five_plugins_and_user_events_is_healthy()
    {
        var result = await KernelLab.RunAsync(new LabRun
        {
            Script = """dotnet "$FRAMEWORK_DLL" plugins list --json --start > plugins.json""",
            Timeout = TimeSpan.FromMinutes(3),
        });

        result.EnsureSuccess();
        using var plugins = JsonDocument.Parse(result.ReadResult("plugins.json"));
        var byId = plugins.RootElement.EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!, p => p.Clone());
        Assert.Superset(new HashSet<string> { "bpf-runtime", "elf2dmp", "hwbp-x86", "user-events", "vector-transports" }, byId.Keys.ToHashSet());
        var userEvents = byId["user-events"];
        Assert.True(userEvents.GetProperty("health").GetString() == "Healthy", $"user-events in the lab: {userEvents}\n{result.Describe()}");
    }
}
