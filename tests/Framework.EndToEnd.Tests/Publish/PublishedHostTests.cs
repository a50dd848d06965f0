using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Framework.EndToEnd.Tests.Infrastructure;

namespace Framework.EndToEnd.Tests.Publish;

/// <summary>What `dotnet publish host -r linux-x64` produces (issue 11): the host with its bundled
/// plugins beside it, each compiled ReadyToRun, and the published executable answering plugin verbs.</summary>
public sealed class PublishedHostTests(PublishedHost published) : IClassFixture<PublishedHost>
{
    private static readonly string[] BundledPlugins = ["bpf-runtime", "elf2dmp", "hwbp-x86", "user-events", "vector-transports"];

    [Fact]
    public void The_publish_folder_carries_every_bundled_plugin_with_its_manifest()
    {
        foreach (var id in BundledPlugins)
        {
            var manifest = Path.Combine(published.Folder, "plugins", id, "plugin.json");
            Assert.True(File.Exists(manifest), $"{manifest} is missing from the publish folder.");
        }
    }

    [Fact]
    public void The_published_host_and_plugins_are_ReadyToRun_images()
    {
        var entries = new List<string> { Path.Combine(published.Folder, "framework.dll"), Path.Combine(published.Folder, "Framework.Host.PluginLoading.dll") };
        foreach (var id in BundledPlugins)
        {
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(published.Folder, "plugins", id, "plugin.json")));
            entries.Add(Path.Combine(published.Folder, "plugins", id, manifest.RootElement.GetProperty("entryAssembly").GetString()!));
        }

        foreach (var assembly in entries)
        {
            Assert.True(ReadyToRunImage.Is(assembly), $"{assembly} is not a ReadyToRun image.");
        }
    }

    [Fact]
    public async Task The_published_executable_lists_the_bundled_plugins()
    {
        var result = await RunPublishedAsync(published.Root, "plugins", "list", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var listed = json.RootElement.EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!, p => p.GetProperty("state").GetString());
        foreach (var id in BundledPlugins)
        {
            Assert.True(listed.TryGetValue(id, out var state), $"plugins list did not list {id}: {result.Output}");
            Assert.NotEqual("Refused", state);
        }
    }

    [Fact]
    public async Task The_published_executable_assembles_with_the_bpf_verb()
    {
        var source = Path.Combine(published.Root, "prog.s");
        var output = Path.Combine(published.Root, "prog.bin");
        await File.WriteAllTextAsync(source, "mov %r0, 42\nadd %r0, 1\nexit\n");

        var result = await RunPublishedAsync(published.Root, "bpf", "asm", source, "-o", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"3 instructions, 24 bytes written to {output}", result.Output.Trim());
        Assert.Equal(
            Convert.FromHexString("b7000000" + "2a000000" + "07000000" + "01000000" + "95000000" + "00000000"),
            await File.ReadAllBytesAsync(output));
    }

    /// <summary>Runs the published apphost (<c>out/framework</c>), as a user of the publish folder does.</summary>
    private async Task<ProcessResult> RunPublishedAsync(string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(Path.Combine(published.Folder, "framework"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        // The apphost finds the runtime the tests run on (shared/Microsoft.NETCore.App/<version>/ under it).
        info.Environment["DOTNET_ROOT"] = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        using var process = Process.Start(info) ?? throw new InvalidOperationException("the published framework did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"framework {string.Join(' ', args)} did not exit within 2 minutes.");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }
}
