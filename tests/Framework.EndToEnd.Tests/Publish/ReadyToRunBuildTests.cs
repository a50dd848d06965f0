using System.Text.Json;
using Framework.EndToEnd.Tests.Infrastructure;

namespace Framework.EndToEnd.Tests.Publish;

/// <summary>The Release build of the host compiles it, the libraries beside it and the bundled
/// plugins ReadyToRun in place (Directory.Build.props, FrameworkReadyToRun), so that the tests, the
/// benchmarks and `dotnet host/bin/Release/net10.0/framework.dll` run what users run.</summary>
public sealed class ReadyToRunBuildTests
{
    [Fact]
    public void The_Release_build_output_of_the_host_and_the_bundled_plugins_is_ReadyToRun()
    {
        if (PublishedHost.Configuration != "Release")
        {
            // Debug builds stay plain IL (quicker to build, and what a debugger expects).
            Assert.False(ReadyToRunImage.Is(Path.Combine(FrameworkProcess.HostDirectory, "framework.dll")));
            return;
        }

        var assemblies = new List<string>
        {
            Path.Combine(FrameworkProcess.HostDirectory, "framework.dll"),
            Path.Combine(FrameworkProcess.HostDirectory, "System.CommandLine.dll"),
            Path.Combine(FrameworkProcess.HostDirectory, "OpenTelemetry.dll"),
        };
        foreach (var folder in Directory.EnumerateDirectories(Path.Combine(FrameworkProcess.HostDirectory, "plugins")))
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "plugin.json")));
            assemblies.Add(Path.Combine(folder, manifest.RootElement.GetProperty("entryAssembly").GetString()!));
        }

        Assert.Equal(8, assemblies.Count);
        foreach (var assembly in assemblies)
        {
            Assert.True(ReadyToRunImage.Is(assembly), $"{assembly} is not a ReadyToRun image.");
        }
    }
}
