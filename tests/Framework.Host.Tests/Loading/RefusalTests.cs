using Framework.Host.Discovery;
using Framework.Host.Lifecycle;
using Framework.Host.Tests.Infrastructure;
using Framework.Tests.Shared;

namespace Framework.Host.Tests.Loading;

public sealed class RefusalTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private Task<(PluginState State, string? StateReason)> DiscoverAndLoad(string id, IDictionary<string, string?>? settings = null) =>
        TestHost.DiscoverAndLoadAsync(_sandbox, id, settings);

    [Fact]
    public async Task A_plugin_built_against_another_contract_major_is_refused_before_any_of_its_code_runs()
    {
        _sandbox.Add("future-contract");
        var plugin = await DiscoverAndLoad("future-contract");

        Assert.Equal(PluginState.Refused, plugin.State);
        Assert.Equal("built against Framework.Abstractions 2.0.0, but this host provides 1.2.0: the major versions differ.", plugin.StateReason);
        Assert.False(_sandbox.MarkerExists("future-contract.ran"));
    }

    [Fact]
    public async Task A_plugin_built_against_a_newer_contract_minor_is_refused_before_any_of_its_code_runs()
    {
        _sandbox.Add("newer-minor");
        var plugin = await DiscoverAndLoad("newer-minor");

        Assert.Equal(PluginState.Refused, plugin.State);
        Assert.Equal("built against Framework.Abstractions 1.5.0, newer than this host's 1.2.0: a newer host is needed.", plugin.StateReason);
        Assert.False(_sandbox.MarkerExists("newer-minor.ran"));
    }

    [Fact]
    public async Task A_broken_manifest_is_refused_naming_the_file_and_the_field()
    {
        var folder = _sandbox.Add("broken-manifest");
        var plugin = await DiscoverAndLoad("broken-manifest");

        Assert.Equal(PluginState.Refused, plugin.State);
        Assert.Equal($"{Path.Combine(folder, "plugin.json")}: field 'version': 'one.two' is not a SemVer 2.0 version (for example 1.2.0).", plugin.StateReason);
    }

    [Fact]
    public async Task A_missing_private_dependency_is_refused_naming_the_file()
    {
        var folder = _sandbox.Add("missing-dep");
        var plugin = await DiscoverAndLoad("missing-dep");

        Assert.Equal(PluginState.Refused, plugin.State);
        Assert.Equal(
            $"missing dependency: Framework.TestLib.dll (package Framework.TestLib/1.0.0), listed in Framework.TestPlugins.MissingDep.deps.json but not in {folder}.",
            plugin.StateReason);
    }

    [Fact]
    public async Task A_missing_entry_assembly_is_refused_naming_the_field()
    {
        var folder = _sandbox.Add("sample");
        File.Delete(Path.Combine(folder, "Framework.TestPlugins.Sample.dll"));
        var plugin = await DiscoverAndLoad("sample");

        Assert.Equal(PluginState.Refused, plugin.State);
        Assert.Equal($"{Path.Combine(folder, "plugin.json")}: field 'entryAssembly': Framework.TestPlugins.Sample.dll does not exist in {folder}.", plugin.StateReason);
    }

    [Fact]
    public async Task A_manifest_that_claims_a_contract_the_assembly_does_not_reference_is_refused()
    {
        _sandbox.AddWithManifest("future-contract", "future-contract", m => m["contractVersion"] = "1.0.0");
        var plugin = await DiscoverAndLoad("future-contract");

        Assert.Equal(PluginState.Refused, plugin.State);
        Assert.StartsWith("Framework.TestPlugins.FutureContract.dll references Framework.Abstractions 2.0.0.0, but its manifest says contract 1.0.0;", plugin.StateReason, StringComparison.Ordinal);
        Assert.False(_sandbox.MarkerExists("future-contract.ran"));
    }

    [Fact]
    public async Task With_the_trust_policy_on_an_unlisted_plugin_is_refused()
    {
        _sandbox.Add("sample");
        var plugin = await DiscoverAndLoad("sample", new Dictionary<string, string?> { ["Host:Trust:Enabled"] = "true" });

        Assert.Equal(PluginState.Refused, plugin.State);
        Assert.Equal("refused by the trust policy: 'sample' is not listed in Host:Trust:Allowed or Host:Trust:Folders.", plugin.StateReason);
    }

    [Fact]
    public async Task With_the_trust_policy_on_a_wrong_hash_is_refused_and_the_right_hash_loads()
    {
        var folder = _sandbox.Add("sample");
        var actual = TrustPolicy.Sha256Of(Path.Combine(folder, "Framework.TestPlugins.Sample.dll"));
        var wrong = new string('0', 64);

        var refused = await DiscoverAndLoad("sample", new Dictionary<string, string?> { ["Host:Trust:Enabled"] = "true", ["Host:Trust:Allowed:sample"] = wrong });
        Assert.Equal(PluginState.Refused, refused.State);
        Assert.Equal($"refused by the trust policy: Framework.TestPlugins.Sample.dll has SHA-256 {actual}, but Host:Trust:Allowed:sample expects {wrong}.", refused.StateReason);

        var allowed = await DiscoverAndLoad("sample", new Dictionary<string, string?> { ["Host:Trust:Enabled"] = "true", ["Host:Trust:Allowed:sample"] = actual.ToUpperInvariant() });
        Assert.Equal(PluginState.Configured, allowed.State);
    }

    [Fact]
    public async Task A_disabled_plugin_is_skipped()
    {
        _sandbox.Add("sample");
        var plugin = await DiscoverAndLoad("sample", new Dictionary<string, string?> { ["Host:Disabled:0"] = "sample" });
        Assert.Equal(PluginState.Skipped, plugin.State);
        Assert.Equal("disabled by Host:Disabled.", plugin.StateReason);
    }
}
