using System.Net.Sockets;
using Framework.Host.Cli;
using Framework.Host.Discovery;
using Framework.Host.Isolation.Capabilities;
using Framework.Host.Isolation.Protocol;
using Framework.Host.Lifecycle;
using Framework.Host.Native;
using Framework.Host.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Isolation.Child;

/// <summary>
/// <c>framework plugin-host &lt;plugin-folder&gt; &lt;socket&gt;</c>, hidden: the child process of a
/// plugin that runs with <c>isolation: process</c>. It confines itself to the plugin's declared
/// capabilities, loads the plugin, connects to the host's socket and serves the plugin over it.
/// Exit codes: 0 after stop, 1 when the plugin cannot load or the host refuses or breaks the
/// protocol, 2 for wrong arguments, 3 when confinement fails (the plugin never runs unconfined).
/// </summary>
internal static class PluginHostCommand
{
    /// <summary>The hidden verb.</summary>
    public const string Verb = Parent.PluginHostExecutable.Verb;

    /// <summary>Exit code when the child cannot confine itself to the declared capabilities.</summary>
    public const int ConfinementFailed = 3;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter error)
    {
        if (args.Count != 2)
        {
            await error.WriteLineAsync($"framework {Verb}: expected <plugin-folder> <socket>; this verb is started by the host for a plugin with isolation 'process'.");
            return ExitCodes.Usage;
        }

        PluginManifest manifest;
        ulong declared;
        try
        {
            manifest = PluginManifestReader.Read(Path.Combine(args[0], PluginManifest.FileName));
            declared = CapabilityConfinement.MaskOf(manifest.RequiresCapabilities);
        }
        catch (Exception e) when (e is PluginManifestException or CapabilityException)
        {
            await error.WriteLineAsync($"framework {Verb}: {e.Message}");
            return ExitCodes.Failure;
        }

        var stage = Environment.GetEnvironmentVariable(CapabilityConfinement.StageVariable);
        if (stage is null)
        {
            try
            {
                CapabilityConfinement.ConfineAndReexecute(declared);
            }
            catch (Exception e) when (e is CapabilityException or IOException)
            {
                await error.WriteLineAsync($"framework {Verb}: {manifest.Id}: cannot confine to the declared capabilities: {e.Message}");
                return ConfinementFailed;
            }
        }

        var (sets, problem) = CapabilityConfinement.Verify(declared, stage == CapabilityConfinement.BoundingDropped);
        if (problem is not null)
        {
            await error.WriteLineAsync($"framework {Verb}: {manifest.Id}: confinement did not hold: {problem}");
            return ConfinementFailed;
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(args[1]));
        }
        catch (SocketException e)
        {
            await error.WriteLineAsync($"framework {Verb}: cannot connect to {args[1]}: {e.Message}");
            return ExitCodes.Failure;
        }

        await using var connection = new FrameStream(new NetworkStream(socket, ownsSocket: false));
        var server = new PluginHostServer(connection, error);
        try
        {
            var hello = new HelloMessage(ProtocolVersionOverride() ?? ProtocolVersion.Current, manifest.Id, Environment.ProcessId, sets);
            if (await server.HandshakeAsync(hello, CancellationToken.None) is not { } welcome)
            {
                return ExitCodes.Failure;
            }

            // The plugin reads the host's configuration (its own section and Logging), as in process.
            var configuration = new ConfigurationBuilder()
                .AddEnvironmentVariables("FRAMEWORK_")
                .AddInMemoryCollection(welcome.Configuration.Select(c => new KeyValuePair<string, string?>(c.Key, c.Value)))
                .Build();
            await using var telemetry = new TelemetryForwarder(connection, TelemetryNames.PluginSource(manifest.Id));
            using var loggerFactory = LoggerFactory.Create(logging =>
            {
                logging.AddConfiguration(configuration.GetSection("Logging"));
                logging.SetMinimumLevel(LogLevel.Information);
                logging.AddProvider(new ForwardingLoggerProvider(telemetry));
            });
            using var lifetime = new HostLifetime();
            LoadedPlugin plugin;
            try
            {
                plugin = LoadedPlugin.Load(manifest, configuration, loggerFactory, lifetime, new PeerCapabilities(new CapabilityClient(server)));
            }
#pragma warning disable CA1031 // Whatever the plugin throws while loading is reported, the child exits 1.
            catch (Exception e)
#pragma warning restore CA1031
            {
                var why = $"{manifest.Id} failed to load: {PluginFailure.Describe(e)}";
                await error.WriteLineAsync($"framework {Verb}: {why}");
                await server.RefuseAsync(why);
                return ExitCodes.Failure;
            }

            await using (plugin)
            {
                return await server.ServeAsync(plugin, telemetry, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is ProtocolException or IOException)
        {
            await error.WriteLineAsync($"framework {Verb}: {manifest.Id}: the connection to the host broke: {e.Message}");
            return ExitCodes.Failure;
        }
    }

    // Lets tests stand in for a child of another protocol version; the host must refuse it.
    private static int? ProtocolVersionOverride() =>
        int.TryParse(Environment.GetEnvironmentVariable("FRAMEWORK_PLUGIN_HOST_PROTOCOL"), System.Globalization.CultureInfo.InvariantCulture, out var version) ? version : null;
}
