using Framework.Host.Lifecycle;
using Framework.Host.Tests.Infrastructure;
using Framework.Tests.Shared;

namespace Framework.Host.Tests.Loading;

public sealed class LoadErrorTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task A_corrupt_private_dependency_surfaces_as_the_loader_error_naming_the_file()
    {
        var folder = _sandbox.Add("lib-user-a");
        await File.WriteAllBytesAsync(Path.Combine(folder, "Framework.TestLib.dll"), [0x4d, 0x5a, 0, 0, 1, 2, 3]);
        await using var host = TestHost.Create(_sandbox);
        host.Manager.Discover();
        host.Manager.LoadAll();
        Assert.Equal(PluginState.Configured, host.Plugin("lib-user-a").State);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => CommandRunner.RunAsync(host.Manager, "lib-a version"));

        var bad = Assert.IsType<BadImageFormatException>(error is FileLoadException { InnerException: { } inner } ? inner : error);
        Assert.Contains("Framework.TestLib", bad.Message + bad.FileName, StringComparison.Ordinal);
    }
}
