using System.Diagnostics;
using System.Net.Sockets;
using Framework.Abstractions;
using Framework.Abstractions.Capabilities;
using Framework.Abstractions.Commands;
using Framework.TestPlugins.Probe.Native;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Framework.TestPlugins.Probe;

/// <summary><c>probe echo|pid|raw-socket|bpf-map|crash &lt;how&gt;|filter &lt;path&gt; &lt;length&gt;</c>, and the job <c>emit</c>
/// (telemetry of every signal, logs at Debug, Warning and Error in a scope).</summary>
public sealed class ProbePlugin : IPlugin
{
    public void Configure(IPluginBuilder builder)
    {
        var probe = new PluginCommand("probe", "Privilege probes, echo, crashes.");
        probe.Subcommands.Add(Leaf("echo", "Writes its argument back.", "text", (context, _) =>
        {
            context.Console.Out.Write(context.GetArgument("text"));
            return 0;
        }));
        probe.Subcommands.Add(Leaf("pid", "Writes the process id.", null, (context, _) =>
        {
            context.Console.Out.Write(Environment.ProcessId);
            return 0;
        }));
        probe.Subcommands.Add(Leaf("raw-socket", "Opens an IPv4 raw ICMP socket: 'ok' or the errno name.", null, (context, _) =>
        {
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Icmp);
                context.Console.Out.Write("ok");
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AccessDenied)
            {
                context.Console.Out.Write("EPERM");
            }

            return 0;
        }));
        probe.Subcommands.Add(Leaf("bpf-map", "Creates a bpf(2) array map: 'ok' or the errno.", null, (context, _) =>
        {
            var errno = ProbeSyscalls.CreateArrayMap();
            context.Console.Out.Write(errno switch { 0 => "ok", 1 => "EPERM", _ => $"errno {errno}" });
            return 0;
        }));
        probe.Subcommands.Add(Leaf("crash", "Crashes: segv, thread-pool, failfast or exit.", "how", (context, _) =>
        {
            switch (context.GetArgument("how"))
            {
                case "segv":
                    ProbeSyscalls.Segfault();
                    break;
                case "thread-pool":
                    ThreadPool.QueueUserWorkItem(_ => throw new InvalidOperationException("probe throws on a thread-pool thread"));
                    Thread.Sleep(TimeSpan.FromSeconds(30));
                    break;
                case "failfast":
                    Environment.FailFast("probe fails fast");
                    break;
                case "exit":
                    Environment.Exit(42);
                    break;
                case "hang":
                    Thread.Sleep(Timeout.Infinite);
                    break;
            }

            throw new CommandUsageException("how must be segv, thread-pool, failfast, exit or hang.");
        }));
        var filter = new PluginCommand("filter", "Runs every IPacketFilterProvider offered to it over a frame of <length> zero bytes: 'plugin:kind:kept' lines, or 'none'.")
        {
            Handler = (context, _) =>
            {
                var length = int.Parse(context.GetArgument("length")!, System.Globalization.CultureInfo.InvariantCulture);
                var providers = context.Services.GetRequiredService<ICapabilities>().GetAll<IPacketFilterProvider>();
                foreach (var (plugin, provider) in providers)
                {
                    using var loaded = provider.Load(context.GetArgument("path")!, null);
                    context.Console.Out.WriteLine($"{plugin}:{provider.Kind}:{loaded.Filter(new byte[length])}");
                }

                if (providers.Count == 0)
                {
                    context.Console.Out.WriteLine("none");
                }

                return Task.FromResult(0);
            },
        };
        filter.Arguments.Add(new PluginArgument("path", "What the provider loads."));
        filter.Arguments.Add(new PluginArgument("length", "The frame's length."));
        probe.Subcommands.Add(filter);
        builder.AddCommand(probe);
        builder.AddJob(new PluginJob("emit", "A span, a counter, and logs at three levels in a scope.", (services, _) =>
        {
            var telemetry = services.GetRequiredService<IPluginTelemetry>();
            var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Framework.TestPlugins.Probe.ProbeJob");
            using var activity = telemetry.ActivitySource.StartActivity("probe.emit", ActivityKind.Producer);
            activity?.SetTag("probe.pid", Environment.ProcessId);
            activity?.AddEvent(new ActivityEvent("probe.event"));
            telemetry.Meter.CreateCounter<long>("probe.emits").Add(2, new KeyValuePair<string, object?>("probe.kind", "job"));
            telemetry.Meter.CreateHistogram<double>("probe.sizes", "By").Record(1.5);
            using (logger.BeginScope("probe batch {Batch}", 7))
            {
                logger.LogDebug("probe debug record");
                logger.LogWarning("probe warns about {Count} things", 3);
                logger.LogError(new InvalidOperationException("probe exception"), "probe failed once");
            }

            activity?.SetStatus(ActivityStatusCode.Error, "probe status");
            return Task.CompletedTask;
        }));
    }

    private static PluginCommand Leaf(string name, string description, string? argument, Func<CommandContext, CancellationToken, int> handler)
    {
        var command = new PluginCommand(name, description);
        if (argument is not null)
        {
            command.Arguments.Add(new PluginArgument(argument, argument));
        }

        command.Handler = (context, token) => Task.FromResult(handler(context, token));
        return command;
    }
}
