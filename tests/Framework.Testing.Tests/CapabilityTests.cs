using Framework.Abstractions.Capabilities;
using Framework.Host.Discovery;

namespace Framework.Testing.Tests;

/// <summary>A capability the test supplies reaches the plugin wherever it runs: out of process, the
/// plugin's calls come back to the test process over the protocol, as they reach the host.</summary>
public sealed class CapabilityTests
{
    [Theory]
    [MemberData(nameof(PluginHarnessTests.BothWays), MemberType = typeof(PluginHarnessTests))]
    public async Task A_capability_the_test_supplies_is_used_by_the_plugin_and_its_errors_and_disposal_cross(PluginIsolation isolation)
    {
        await using var harness = PluginHarness.Load(BuiltPlugins.Folder("probe"), isolation: isolation);
        var none = await harness.RunCommandAsync("probe", "filter", "10", "64");
        var filters = new MinimumLengthFilters();
        harness.AddCapability<IPacketFilterProvider>("test-filters", filters);

        var kept = await harness.RunCommandAsync("probe", "filter", "10", "64");
        var dropped = await harness.RunCommandAsync("probe", "filter", "10", "9");
        var broken = await harness.RunCommandAsync("probe", "filter", "ten", "9");

        Assert.Equal("none", none.Output.Trim());
        Assert.Equal("test-filters:min-length:64", kept.Output.Trim());
        Assert.Equal("test-filters:min-length:0", dropped.Output.Trim());
        Assert.Equal(1, broken.ExitCode);
        Assert.Equal("framework probe filter: InvalidDataException: 'ten' is not a minimum length.", broken.Error.Trim());
        Assert.Equal(2, filters.Disposed);
    }

    [Fact]
    public async Task A_capability_whose_calls_are_not_plain_data_is_refused_naming_it_and_both_plugins()
    {
        await using var harness = PluginHarness.Load(BuiltPlugins.Folder("probe"), isolation: PluginIsolation.Process);

        var error = Assert.Throws<InvalidOperationException>(() => harness.AddCapability<ICapabilities>("registry", new NoCapabilities()));

        Assert.Equal(
            "capability ICapabilities published by plugin 'registry' cannot reach plugin 'probe': 'probe' runs in a plugin-host child, and only capabilities whose calls are plain data cross a process boundary (IPacketFilterProvider, IPacketFilter).",
            error.Message);
    }

    [Fact]
    public async Task A_released_filter_is_gone_on_the_side_that_held_it()
    {
        await using var harness = PluginHarness.Load(BuiltPlugins.Folder("sample"), isolation: PluginIsolation.Process);
        var filter = harness.GetCapability<IPacketFilterProvider>()!.Load("10", null);

        filter.Dispose();

        Assert.Throws<ObjectDisposedException>(() => filter.Filter(new byte[10]));
    }

    private sealed class MinimumLengthFilters : IPacketFilterProvider
    {
        private int _disposed;

        public int Disposed => _disposed;

        public string Kind => "min-length";

        public IPacketFilter Load(string path, string? section) =>
            int.TryParse(path, System.Globalization.CultureInfo.InvariantCulture, out var minimum)
                ? new LengthFilter(minimum, this)
                : throw new InvalidDataException($"'{path}' is not a minimum length.");

        private sealed class LengthFilter(int minimum, MinimumLengthFilters owner) : IPacketFilter
        {
            public uint Filter(ReadOnlySpan<byte> frame) => frame.Length >= minimum ? (uint)frame.Length : 0;

            public void Dispose() => Interlocked.Increment(ref owner._disposed);
        }
    }

    private sealed class NoCapabilities : ICapabilities
    {
        public IReadOnlyList<(string PluginId, TCapability Capability)> GetAll<TCapability>()
            where TCapability : class => [];

        public TCapability? Get<TCapability>()
            where TCapability : class => null;
    }
}
