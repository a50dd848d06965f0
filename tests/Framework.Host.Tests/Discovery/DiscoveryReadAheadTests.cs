using System.Text.Json.Nodes;
using Framework.Host.Discovery;
using Framework.Host.Lifecycle;
using Framework.Host.Tests.Infrastructure;
using Framework.Tests.Shared;

namespace Framework.Host.Tests.Discovery;

/// <summary>
/// The read-ahead guesses inputs, never outcomes: a root read ahead gives the same candidates a
/// read now would, once; a file check done ahead refuses with the same words; the options (trust,
/// disabled) still decide afterwards.
/// </summary>
public sealed class DiscoveryReadAheadTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public void A_root_read_ahead_is_taken_once_and_gives_what_reading_it_now_gives()
    {
        _sandbox.Add("sample");
        _sandbox.Add("probe");
        _sandbox.Add("broken-manifest");
        var direct = PluginDiscovery.Discover([_sandbox.Root]);

        DiscoveryReadAhead.Prepare(_sandbox.Root, ["sample"])();
        var ahead = PluginDiscovery.Discover([_sandbox.Root]);
        var again = PluginDiscovery.Discover([_sandbox.Root]);

        Assert.Equal(3, direct.Count);
        Assert.Contains(direct, c => c.ManifestError is not null);
        Assert.Equal(direct.Select(c => (c.Folder, c.Manifest?.Id, c.ManifestError)), ahead.Select(c => (c.Folder, c.Manifest?.Id, c.ManifestError)));
        Assert.Equal(direct.Select(c => c.Folder), again.Select(c => c.Folder));
        Assert.NotSame(ahead[0], again[0]);
    }

    [Fact]
    public async Task Discovery_waits_for_a_read_that_is_still_running()
    {
        _sandbox.Add("sample");
        var work = DiscoveryReadAhead.Prepare(_sandbox.Root, ["sample"]);

        var discovery = Task.Run(() => PluginDiscovery.Discover([_sandbox.Root]));
        Assert.NotSame(discovery, await Task.WhenAny(discovery, Task.Delay(200)));
        work();

        Assert.Equal("sample", Assert.Single(await discovery).Manifest?.Id);
    }

    [Fact]
    public void A_file_check_done_ahead_refuses_with_the_words_of_a_check_done_now()
    {
        var folder = _sandbox.Add("sample");
        DepsJson.AddLibrary(folder, "Acme.Native/1.0.0", "native", new JsonObject { ["libacme.so"] = new JsonObject() });
        var admission = PluginAdmission.For(new Framework.Host.Configuration.TrustPolicyOptions());
        var now = admission.Check(Assert.Single(PluginDiscovery.Discover([_sandbox.Root])).Manifest!);

        DiscoveryReadAhead.Prepare(_sandbox.Root, ["--verbose", "sample", "run"])();
        var manifest = Assert.Single(PluginDiscovery.Discover([_sandbox.Root])).Manifest!;
        Assert.True(DiscoveryReadAhead.TryTakeFileCheck(manifest, out var ahead));
        DiscoveryReadAhead.Prepare(_sandbox.Root, ["sample"])();
        var viaAdmission = admission.Check(Assert.Single(PluginDiscovery.Discover([_sandbox.Root])).Manifest!);

        Assert.StartsWith("missing dependency: libacme.so", now, StringComparison.Ordinal);
        Assert.Equal(now, ahead);
        Assert.Equal(now, viaAdmission);
    }

    [Fact]
    public void Only_the_plugins_listing_the_first_plugin_verb_on_the_command_line_are_checked_ahead()
    {
        _sandbox.Add("sample");
        _sandbox.Add("probe");

        DiscoveryReadAhead.Prepare(_sandbox.Root, ["--set", "Host:Disabled:0=x", "sample", "probe"])();
        var candidates = PluginDiscovery.Discover([_sandbox.Root]);

        Assert.True(DiscoveryReadAhead.TryTakeFileCheck(candidates.Single(c => c.Manifest?.Id == "sample").Manifest!, out var refusal));
        Assert.Null(refusal);
        Assert.False(DiscoveryReadAhead.TryTakeFileCheck(candidates.Single(c => c.Manifest?.Id == "probe").Manifest!, out _));
    }

    [Fact]
    public void Every_plugin_is_checked_ahead_for_a_command_line_that_names_no_plugin_verb()
    {
        _sandbox.Add("sample");
        _sandbox.Add("probe");

        DiscoveryReadAhead.Prepare(_sandbox.Root, ["--verbose", "run", "--stop-after-start"])();
        var candidates = PluginDiscovery.Discover([_sandbox.Root]);

        Assert.All(candidates, c => Assert.True(DiscoveryReadAhead.TryTakeFileCheck(c.Manifest!, out _)));
    }

    [Fact]
    public async Task The_trust_policy_still_decides_after_file_checks_passed_ahead()
    {
        _sandbox.Add("sample");
        DiscoveryReadAhead.Prepare(_sandbox.Root, ["sample"])();

        var refused = await TestHost.DiscoverAndLoadAsync(_sandbox, "sample", new Dictionary<string, string?> { ["Host:Trust:Enabled"] = "true" });

        Assert.Equal(PluginState.Refused, refused.State);
        Assert.Equal("refused by the trust policy: 'sample' is not listed in Host:Trust:Allowed or Host:Trust:Folders.", refused.StateReason);
    }

    [Fact]
    public void A_root_that_does_not_exist_read_ahead_is_reported_missing_as_a_read_now_would()
    {
        var missing = Path.Combine(_sandbox.Root, "nowhere");
        var reported = new List<string>();

        DiscoveryReadAhead.Prepare(missing, ["sample"])();

        Assert.Empty(PluginDiscovery.Discover([missing], reported.Add));
        Assert.Equal([missing], reported);
    }
}
