namespace Framework.EndToEnd.Tests.Authoring;

/// <summary>Package validation: packing a contract that breaks the released one fails.</summary>
[Collection(AuthoringCollection.Name)]
public sealed class ContractValidationTests(AuthoringWorkspace workspace)
{
    [Fact]
    public async Task Packing_a_breaking_contract_against_the_released_baseline_fails()
    {
        // Under the workspace's work folder, so that the 1.2.0 baseline restores from its feed.
        var sources = AuthoringWorkspace.CopyPackableSources(Path.Combine(workspace.Work, "breaking-contract"));
        var builder = Path.Combine(sources, "abstractions", "IPluginBuilder.cs");
        var text = await File.ReadAllTextAsync(builder);
        Assert.Contains("    PluginInfo Plugin { get; }", text, StringComparison.Ordinal);
        await File.WriteAllTextAsync(builder, text.Replace("    PluginInfo Plugin { get; }", "    PluginInfo Owner { get; }", StringComparison.Ordinal));

        var result = await workspace.Dotnet.RunAsync(
            sources, TimeSpan.FromMinutes(3),
            "pack", "abstractions", "-c", "Release", "-o", Path.Combine(sources, "out"), "-nodeReuse:false",
            "-p:FrameworkContractVersion=1.2.1", "-p:ContractBaselineVersion=1.2.0");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("CP0002", result.Output, StringComparison.Ordinal);
        Assert.Contains("IPluginBuilder.Plugin", result.Output, StringComparison.Ordinal);
    }
}
