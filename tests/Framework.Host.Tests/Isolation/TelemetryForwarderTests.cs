using System.Net.Sockets;
using Framework.Host.Isolation.Child;
using Framework.Host.Isolation.Protocol;

namespace Framework.Host.Tests.Isolation;

/// <summary>The child's side of telemetry: a batch larger than a frame is split, never refused, and
/// a record too large for any frame is dropped and said so.</summary>
public sealed class TelemetryForwarderTests
{
    [Fact]
    public async Task A_batch_larger_than_a_frame_leaves_in_several_frames_and_a_record_too_large_alone_is_reported()
    {
        var (far, near) = await SocketPair.ConnectAsync();
        using (near)
        using (far)
        {
            await using var reader = new FrameStream(new NetworkStream(far, ownsSocket: false));
            var writer = new FrameStream(new NetworkStream(near, ownsSocket: false));
            var forwarder = new TelemetryForwarder(writer, "Framework.Plugins.big");

            // Read while the forwarder writes: megabytes do not fit the socket's buffer.
            var frames = new List<IReadOnlyList<TelemetryRecord>>();
            var reading = Task.Run(async () =>
            {
                while (await reader.ReadAsync(CancellationToken.None) is { } frame)
                {
                    Assert.Equal(FrameKind.Telemetry, frame.Kind);
                    frames.Add(TelemetryRecord.Parse(frame.Payload));
                }
            });
            var text = new string('x', 16 * 1024);
            for (var i = 0; i < 300; i++)
            {
                forwarder.Enqueue(new TelemetryRecord { Kind = TelemetryRecord.Kinds.Log, Category = "big", Level = 2, Text = text, Time = DateTime.UtcNow.Ticks });
            }

            // Far above a frame, as no plugin record can be (strings are cut), to check the last resort.
            forwarder.Enqueue(new TelemetryRecord { Kind = TelemetryRecord.Kinds.Log, Category = "huge", Level = 2, Text = new string('y', 5 * 1024 * 1024), Time = DateTime.UtcNow.Ticks });
            await forwarder.FlushAsync(CancellationToken.None);
            await forwarder.FlushAsync(CancellationToken.None);
            await forwarder.DisposeAsync();
            await writer.DisposeAsync();
            near.Shutdown(SocketShutdown.Send);
            await reading.WaitAsync(TimeSpan.FromSeconds(60));

            var records = frames.SelectMany(f => f).ToList();
            Assert.True(frames.Count >= 2, $"{frames.Count} frame(s)");
            Assert.Equal(300, records.Count(r => r.Category == "big"));
            Assert.DoesNotContain(records, r => r.Category == "huge");
            var warning = Assert.Single(records, r => r.Category == "Framework.Host.PluginHost");
            Assert.Equal(3, warning.Level);
            Assert.StartsWith("a log record of ", warning.Text, StringComparison.Ordinal);
            Assert.EndsWith("bytes ('huge') is larger than a Telemetry frame and was dropped.", warning.Text, StringComparison.Ordinal);
            Assert.Equal(1, forwarder.Dropped);
        }
    }
}
