using System.Text.Json.Nodes;
using Framework.Host.Discovery;
using Framework.Host.Lifecycle;
using Framework.Host.Tests.Infrastructure;
using Framework.Tests.Shared;

namespace Framework.Host.Tests.Discovery;

public sealed class PreloadCheckTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private Task<(PluginState State, string? StateReason)> Discover(string id, IDictionary<string, string?>? settings = null) =>
        TestHost.DiscoverAndLoadAsync(_sandbox, id, settings);

    [Fact]
    public async Task A_native_library_listed_in_deps_json_but_absent_is_refused_by_name_and_loads_once_present()
    {
        var folder = _sandbox.Add("sample");
        DepsJson.AddLibrary(folder, "Acme.Native/1.0.0", "native", new JsonObject { ["libacme.so"] = new JsonObject() });

        var refused = await Discover("sample");
        Assert.Equal(PluginState.Refused, refused.State);
        Assert.Equal($"missing dependency: libacme.so (package Acme.Native/1.0.0), listed in Framework.TestPlugins.Sample.deps.json but not in {folder}.", refused.StateReason);

        await File.WriteAllBytesAsync(Path.Combine(folder, "libacme.so"), [0x7f, (byte)'E', (byte)'L', (byte)'F']);
        Assert.Equal(PluginState.Configured, (await Discover("sample")).State);
    }

    [Fact]
    public async Task A_native_runtime_target_counts_only_for_this_platform()
    {
        var folder = _sandbox.Add("sample");
        DepsJson.AddLibrary(folder, "Acme.Native/1.0.0", "runtimeTargets", new JsonObject
        {
            ["runtimes/linux-x64/native/libacme.so"] = new JsonObject { ["rid"] = "linux-x64", ["assetType"] = "native" },
            ["runtimes/win-x64/native/acme.dll"] = new JsonObject { ["rid"] = "win-x64", ["assetType"] = "native" },
        });

        var refused = await Discover("sample");

        Assert.Equal(PluginState.Refused, refused.State);
        Assert.Equal($"missing dependency: runtimes/linux-x64/native/libacme.so (package Acme.Native/1.0.0), listed in Framework.TestPlugins.Sample.deps.json but not in {folder}.", refused.StateReason);
    }

    [Fact]
    public async Task A_capability_name_the_kernel_does_not_know_is_a_manifest_error()
    {
        var folder = _sandbox.AddWithManifest("sample", "sample", m => m["requires"] = new JsonObject
        {
            ["os"] = new JsonArray("linux"),
            ["capabilities"] = new JsonArray("CAP_BPF", "CAP_TELEPORT"),
        });

        var refused = await Discover("sample");

        Assert.Equal(PluginState.Refused, refused.State);
        Assert.StartsWith($"{Path.Combine(folder, "plugin.json")}: field 'requires.capabilities': 'CAP_TELEPORT' is not a Linux capability this kernel knows (CAP_CHOWN ... CAP_", refused.StateReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CAP_CHOWN", 0)]
    [InlineData("cap_net_admin", 12)]
    [InlineData("SYS_ADMIN", 21)]
    [InlineData("CAP_AUDIT_READ", 37)]
    [InlineData("CAP_BPF", 39)]
    [InlineData("CAP_CHECKPOINT_RESTORE", 40)]
    [InlineData("CAP_NOPE", -1)]
    public void Every_capability_of_the_kernel_is_known_by_name(string name, int bit) =>
        Assert.Equal(bit, Framework.Abstractions.Native.LinuxCapability.BitOf(name));

    [Fact]
    public void A_capability_newer_than_the_running_kernel_is_unknown_to_it() =>
        Assert.Equal(["CAP_BPF", "CAP_PERFMON"], LinuxCapabilities.Unknown(["CAP_NET_ADMIN", "CAP_BPF", "CAP_PERFMON"], lastCapability: 37));

    [Fact]
    public void Missing_capabilities_are_read_from_the_effective_mask_by_bit()
    {
        var mask = (1UL << 12) | (1UL << 39);
        Assert.Equal(["CAP_PERFMON", "CAP_SYS_PTRACE"], LinuxCapabilities.Missing(["CAP_NET_ADMIN", "CAP_BPF", "CAP_PERFMON", "CAP_SYS_PTRACE"], mask));
    }

    [Fact]
    public async Task Folder_pinning_loads_an_unchanged_folder_and_refuses_an_added_a_changed_and_a_removed_file_by_name()
    {
        var folder = _sandbox.Add("sample");
        var settings = new Dictionary<string, string?> { ["Host:Trust:Enabled"] = "true" };
        foreach (var (file, hash) in TrustPolicy.FolderHashes(folder))
        {
            settings[$"Host:Trust:Folders:sample:{file}"] = hash;
        }

        Assert.Equal(PluginState.Configured, (await Discover("sample", settings)).State);

        await File.WriteAllTextAsync(Path.Combine(folder, "extra.txt"), "added");
        Assert.Equal($"refused by the trust policy: extra.txt in {folder} is not pinned in Host:Trust:Folders:sample (a file was added).", (await Discover("sample", settings)).StateReason);
        File.Delete(Path.Combine(folder, "extra.txt"));

        var runtimeConfig = Path.Combine(folder, "Framework.TestPlugins.Sample.runtimeconfig.json");
        var original = await File.ReadAllTextAsync(runtimeConfig);
        await File.WriteAllTextAsync(runtimeConfig, original + " ");
        var changed = await Discover("sample", settings);
        Assert.Equal(PluginState.Refused, changed.State);
        Assert.StartsWith("refused by the trust policy: Framework.TestPlugins.Sample.runtimeconfig.json has SHA-256 ", changed.StateReason, StringComparison.Ordinal);
        Assert.EndsWith("(the file was changed).", changed.StateReason, StringComparison.Ordinal);

        File.Delete(runtimeConfig);
        Assert.Equal($"refused by the trust policy: Framework.TestPlugins.Sample.runtimeconfig.json pinned in Host:Trust:Folders:sample is missing from {folder}.", (await Discover("sample", settings)).StateReason);
    }
}
