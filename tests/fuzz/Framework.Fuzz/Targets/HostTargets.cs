using Framework.Abstractions;
using Framework.Host.Cli;
using Framework.Host.Discovery;
using Framework.Host.Lifecycle;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Framework.Fuzz.Targets;

/// <summary>The host's parsers: plugin manifests (plugin.json), and configuration values from a
/// settings file bound to the host's options and to every bundled plugin's options as the host binds
/// and validates them when it starts a plugin.</summary>
public static class HostTargets
{
    private static readonly string[] Assemblies = ["framework.dll", "Framework.Host.PluginLoading.dll"];

    // Created on first use: plugin constructors are instrumented code, which must not run before the fuzzer starts.
    private static readonly Lazy<IPlugin[]> Plugins = new(() =>
    [
        new Framework.Plugins.BpfRuntime.BpfRuntimePlugin(),
        new Framework.Plugins.Elf2Dmp.Elf2DmpPlugin(),
        new Framework.Plugins.HwbpX86.HwbpX86Plugin(),
        new Framework.Plugins.UserEvents.UserEventsPlugin(),
        new Framework.Plugins.VectorTransports.VectorTransportsPlugin(),
    ]);

    private static readonly string[] PluginIds = ["bpf-runtime", "elf2dmp", "hwbp-x86", "user-events", "vector-transports"];

    /// <summary>The targets.</summary>
    public static IEnumerable<FuzzTarget> All =>
    [
        new("host-plugin-manifest", "plugin.json: PluginManifestReader.Parse (every field checked before plugin code loads)", Assemblies, Manifest),
        new("host-config", "a --settings JSON file: FrameworkApplication.BuildConfiguration and BindOptions, then each bundled plugin's options bound and validated (PluginBuilder, PluginServices.ValidateOptions)", Assemblies, Configuration),
    ];

    private static void Manifest(ReadOnlySpan<byte> input)
    {
        try
        {
            _ = PluginManifestReader.Parse("/fuzz/plugins/fuzz/plugin.json", input);
        }
        catch (PluginManifestException)
        {
        }
    }

    private static void Configuration(ReadOnlySpan<byte> input)
    {
        var settings = ScratchFile.Write("settings.json", input);
        IConfigurationRoot configuration;
        try
        {
            configuration = FrameworkApplication.BuildConfiguration(new GlobalOptions { SettingsFiles = [settings] });
            _ = FrameworkApplication.BindOptions(configuration);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or InvalidOperationException)
        {
            // What FrameworkApplication reports as a usage error.
            return;
        }

        for (var i = 0; i < Plugins.Value.Length; i++)
        {
            var builder = new PluginBuilder(new PluginInfo(PluginIds[i], "1.0.0", "1.0.0", ScratchFile.FolderPath), configuration.GetSection($"Plugins:{PluginIds[i]}"));
            Plugins.Value[i].Configure(builder);
            IServiceCollection services = new ServiceCollection();
            services.AddOptions();
            foreach (var descriptor in builder.Services.Where(d => d.ServiceType.Namespace == typeof(IOptions<>).Namespace))
            {
                services.Add(descriptor);
            }

            using var provider = services.BuildServiceProvider();
            try
            {
                PluginServices.ValidateOptions(builder, provider);
            }
            catch (Exception e) when (e is OptionsValidationException or InvalidOperationException)
            {
                // What the host reports as the plugin's fault, naming the key.
            }
        }
    }
}
