using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Framework.Host.Discovery;
using Framework.Host.Lifecycle;
using Framework.Host.Loading;
using Framework.Host.Tests.Infrastructure;
using Framework.Tests.Shared;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Framework.Host.Tests.Loading;

public sealed class SharedAssemblyTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task A_stray_copy_of_a_host_shared_assembly_in_the_plugin_folder_still_gives_the_host_types()
    {
        var folder = _sandbox.Add("sample");
        var hosting = typeof(IHostedService).Assembly;
        File.Copy(hosting.Location, Path.Combine(folder, Path.GetFileName(hosting.Location)));
        DepsJson.AddLibrary(folder, "Microsoft.Extensions.Hosting.Abstractions/10.0.0", "runtime", new JsonObject
        {
            [Path.GetFileName(hosting.Location)] = new JsonObject { ["assemblyVersion"] = hosting.GetName().Version!.ToString() },
        });
        await using var host = TestHost.Create(_sandbox);
        host.Manager.Discover();
        host.Manager.LoadAll();
        await host.Manager.StartAllAsync(CancellationToken.None);

        var sample = host.Plugin("sample");
        Assert.Equal(PluginState.Running, sample.State);
        Assert.NotEmpty(sample.Services!.GetServices<IHostedService>());
        Assert.DoesNotContain(sample.LoadedAssemblies, n => n.StartsWith("Microsoft.Extensions.Hosting.Abstractions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_plugin_that_needs_a_newer_shared_assembly_than_the_host_has_is_refused_before_loading()
    {
        var folder = _sandbox.Add("sample");
        var provided = typeof(IHostedService).Assembly.GetName().Version;
        DepsJson.AddLibrary(folder, "Microsoft.Extensions.Hosting.Abstractions/99.0.0", "runtime", new JsonObject
        {
            ["lib/net10.0/Microsoft.Extensions.Hosting.Abstractions.dll"] = new JsonObject { ["assemblyVersion"] = "99.0.0.0" },
        });
        await using var host = TestHost.Create(_sandbox);
        host.Manager.Discover();

        var sample = host.Plugin("sample");
        Assert.Equal(PluginState.Refused, sample.State);
        Assert.Equal(
            $"needs Microsoft.Extensions.Hosting.Abstractions 99.0.0.0 from the host, which provides {provided}: a newer host is needed (listed in Framework.TestPlugins.Sample.deps.json).",
            sample.StateReason);
    }

    [Fact]
    public void The_contract_package_targets_keep_exactly_the_shared_assemblies_out_of_a_plugin_folder()
    {
        var targets = File.ReadAllText(Path.Combine(RepositoryRoot(), "abstractions", "build", "Framework.Abstractions.targets"));
        var match = Regex.Match(targets, "<_HostSharedAssemblyPattern>(?<p>[^<]+)</_HostSharedAssemblyPattern>");

        Assert.True(match.Success, "Framework.Abstractions.targets has no _HostSharedAssemblyPattern");
        Assert.Equal(SharedAssemblies.Pattern, match.Groups["p"].Value);
    }

    [Theory]
    [InlineData("Framework.Abstractions", true)]
    [InlineData("Microsoft.Extensions.Options", true)]
    [InlineData("Microsoft.Extensions.Primitives", true)]
    [InlineData("Microsoft.Extensions.Hosting.Abstractions", true)]
    [InlineData("Microsoft.Extensions.Hosting", false)]
    [InlineData("Microsoft.Extensions.Options.ConfigurationExtensions", false)]
    [InlineData("Framework.Abstractions.Extra", false)]
    [InlineData("Framework.TestLib", false)]
    public void The_shared_rule_names_the_contract_the_extension_abstractions_options_and_primitives(string name, bool shared) =>
        Assert.Equal(shared, SharedAssemblies.IsShared(name));

    [Fact]
    public void The_host_provides_every_shared_assembly_it_references_itself()
    {
        Assert.Contains("Framework.Abstractions", SharedAssemblies.HostProvided.Keys);
        Assert.Contains("Microsoft.Extensions.Hosting.Abstractions", SharedAssemblies.HostProvided.Keys);
        Assert.All(SharedAssemblies.HostProvided.Keys, name => Assert.True(SharedAssemblies.IsShared(name), name));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Framework.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no Framework.sln above {AppContext.BaseDirectory}.");
    }
}
