using System.Globalization;
using System.Text;
using Framework.Abstractions;
using Framework.Plugins.VectorTransports.Bridge;
using Framework.Plugins.VectorTransports.Capture;
using Framework.Plugins.VectorTransports.Transports;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Framework.Plugins.VectorTransports.Jobs;

/// <summary>
/// The bundled job: a bridge between two unix transports (abstract sockets, no privilege), a sender
/// behind side A that sends the frames of the bundled capture, a receiver behind side B that checks
/// each frame arrives intact, and the bridge's counters printed to the log at the end.
/// </summary>
public static class SampleTrafficJob
{
    /// <summary>The job's name.</summary>
    public const string Name = "sample-bridge";

    /// <summary>Creates the job.</summary>
    public static PluginJob Create() => new(
        Name,
        "Bridges two unix transports, sends the bundled sample frames through the bridge and logs its counters.",
        async (services, cancellationToken) => await RunAsync(services, cancellationToken));

    /// <summary>Runs the job with the options and services of <paramref name="services"/>.</summary>
    public static async Task<SampleTrafficResult> RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.GetService<IOptions<VectorTransportsOptions>>()?.Value.SampleTraffic ?? new SampleTrafficOptions();
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Framework.Plugins.VectorTransports.SampleTraffic") ?? NullLogger.Instance;
        var directory = services.GetService<PluginInfo>()?.Directory ?? Path.GetDirectoryName(typeof(SampleTrafficJob).Assembly.Location)!;
        var path = Path.IsPathRooted(options.Frames) ? options.Frames : Path.Combine(directory, options.Frames);
        var frames = PcapReader.Parse(await File.ReadAllBytesAsync(path, cancellationToken));

        // Abstract names (no files to clean up), unique per process and run, short enough to read in the table.
        var prefix = $"@fw-sample-{Environment.ProcessId}-{Guid.NewGuid().ToString("n")[..8]}";
        var definition = new BridgeDefinition
        {
            Name = Name,
            A = $"transport=unix,src={prefix}-bridge-a,dst={prefix}-sender,depth={options.Depth}",
            B = $"transport=unix,src={prefix}-bridge-b,dst={prefix}-receiver,depth={options.Depth}",
        };
        var registry = services.GetService<BridgeRegistry>();
        var bridge = BridgeHostedService.CreateBridge(definition, services, services.GetService<BridgeMetrics>(), logger);
        registry?.Add(bridge);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = bridge.RunAsync(stop.Token);
        try
        {
            using var sender = TransportRegistry.Open($"transport=unix,src={prefix}-sender,dst={prefix}-bridge-a,depth={options.Depth}");
            using var receiver = TransportRegistry.Open($"transport=unix,src={prefix}-receiver,dst={prefix}-bridge-b,depth={options.Depth}");
            while (bridge.State != BridgeState.Forwarding && !running.IsCompleted)
            {
                await Task.Delay(10, cancellationToken);
            }

            var result = await Task.Run(() => Exchange(sender, receiver, frames, options.Repeat, cancellationToken), cancellationToken);
            await stop.CancelAsync();
            await running;
            var final = result with { Bridge = bridge.Snapshot() };
            logger.LogInformation("{Report}", Describe(final));
            if (!final.IsComplete)
            {
                // A sample that loses frames is a failed job, not a warning under a success.
                throw new InvalidOperationException(
                    $"sample bridge: of {final.Sent} frames sent, {final.Received} arrived intact, {final.Dropped} were dropped and {final.Corrupted} arrived corrupted (bridge drops: {final.Bridge.A.Counters.DescribeDrops()} on side a, {final.Bridge.B.Counters.DescribeDrops()} on side b).");
            }

            return final;
        }
        finally
        {
            await stop.CancelAsync();
            await running;
            registry?.Remove(bridge);
        }
    }

    /// <summary>The result as a small text table.</summary>
    public static string Describe(SampleTrafficResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Sample bridge '{result.Bridge.Name}': sent {result.Sent} frames ({result.SentBytes} bytes) into side a, received {result.Received} intact from side b, {result.Dropped} dropped, {result.Corrupted} corrupted.");
        sb.AppendLine("side  rx packets  rx bytes    tx packets  tx bytes    errors  drops  rx batches  tx batches  transport");
        foreach (var side in new[] { result.Bridge.A, result.Bridge.B })
        {
            var c = side.Counters;
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"{side.Side,-4}  {c.RxPackets,10}  {c.RxBytes,10}  {c.TxPackets,10}  {c.TxBytes,10}  {c.Errors,6}  {c.DescribeDrops(),5}  {c.RxBatchCount,10}  {c.TxBatchCount,10}  {side.Spec}");
        }

        return sb.ToString();
    }

    private static SampleTrafficResult Exchange(VectorTransport sender, VectorTransport receiver, IReadOnlyList<byte[]> frames, int repeat, CancellationToken cancellationToken)
    {
        long sent = 0, bytes = 0;
        var total = (long)frames.Count * repeat;
        var next = 0L;
        var tally = new FrameTally(frames);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var lastArrival = DateTime.UtcNow;
        while (tally.Settled < total && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
        {
            // Keep at most one batch in flight so the unix socket queues never overflow.
            while (next < total && next - tally.Settled < sender.Depth && sender.Enqueue(tally.FrameAt(next)))
            {
                bytes += tally.FrameAt(next).Length;
                next++;
            }

            sent += sender.Flush();
            var n = receiver.Receive(50);
            for (var i = 0; i < n; i++)
            {
                tally.Observe(receiver.Frame(i), next);
                lastArrival = DateTime.UtcNow;
            }

            // Nothing has come for a second: what is in flight was dropped (and the window moves on).
            if (n == 0 && DateTime.UtcNow - lastArrival > TimeSpan.FromSeconds(1))
            {
                tally.Finish(next);
                lastArrival = DateTime.UtcNow;
            }
        }

        tally.Finish(next);
        return new SampleTrafficResult(sent, bytes, tally.Intact, tally.Corrupted, tally.Dropped, null!);
    }
}
