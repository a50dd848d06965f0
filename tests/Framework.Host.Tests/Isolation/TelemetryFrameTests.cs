using System.Text;
using Framework.Host.Isolation.Parent;
using Framework.Host.Isolation.Protocol;

namespace Framework.Host.Tests.Isolation;

/// <summary>Telemetry frames from a child are data like any other frame: a malformed batch cuts the
/// child off with the reason, and a well-formed one is replayed before the reply that follows it.</summary>
public sealed class TelemetryFrameTests
{
    public static TheoryData<string, string> Malformed => new()
    {
        { "{}", "the Telemetry payload is not a JSON array of records" },
        { "[{\"k\":\"bogus\"}]", "Telemetry record 0 has kind 'bogus', not one of span-start, span-end, log, measurement." },
        { "[{\"k\":\"span-start\",\"trace\":\"zz\",\"span\":\"00f067aa0ba902b7\",\"name\":\"x\"}]", "the trace id 'zz' is not 32 lower-case hex digits." },
        { "[{\"k\":\"measurement\",\"name\":\"m\",\"instrument\":\"Thermometer\",\"values\":[1]}]", "measurement 'm' has instrument kind 'Thermometer', which the host does not know." },
        { "[null]", "Telemetry record 0 has kind ''" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task A_malformed_telemetry_batch_cuts_the_child_off_naming_what_was_wrong(string payload, string reason)
    {
        using var plugin = new Framework.Host.Telemetry.PluginTelemetry(new Framework.Abstractions.PluginInfo("fake", "1.0.0", "1.1.0", Path.GetTempPath()));
        var mirror = new TelemetryMirror(plugin, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        await using var pair = await FakeChild.StartAsync(telemetry: mirror.Replay);

        var waiting = pair.Connection.SendAsync(new PluginRequest(PluginRequest.Operations.Health), CancellationToken.None);
        Assert.Equal(FrameKind.Request, (await pair.ReadAsync()).Kind);
        await pair.WriteAsync(new Frame(FrameKind.Telemetry, 0, Encoding.UTF8.GetBytes(payload)));

        var e = await Assert.ThrowsAsync<PluginHostUnavailableException>(() => waiting);
        Assert.StartsWith("the child broke the protocol and was cut off: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_is_replayed_before_the_reply_that_follows_it()
    {
        using var plugin = new Framework.Host.Telemetry.PluginTelemetry(new Framework.Abstractions.PluginInfo("fake", "1.0.0", "1.1.0", Path.GetTempPath()));
        var replayed = new List<string>();
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = s => s.Name == "Framework.Plugins.fake",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => replayed.Add($"{a.DisplayName} {a.Duration.TotalMilliseconds:0}"),
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        var mirror = new TelemetryMirror(plugin, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        await using var pair = await FakeChild.StartAsync(telemetry: mirror.Replay);

        var waiting = pair.Connection.SendAsync(new PluginRequest(PluginRequest.Operations.Health), CancellationToken.None);
        var request = await pair.ReadAsync();
        var start = new DateTime(2026, 12, 6, 1, 0, 0, DateTimeKind.Utc);
        TelemetryRecord[] records =
        [
            new() { Kind = TelemetryRecord.Kinds.SpanStart, TraceId = "4bf92f3577b34da6a3ce929d0e0e4736", SpanId = "00f067aa0ba902b7", Name = "child.work", Time = start.Ticks },
            new() { Kind = TelemetryRecord.Kinds.SpanEnd, SpanId = "00f067aa0ba902b7", Time = start.AddMilliseconds(25).Ticks },
        ];
        await pair.WriteAsync(new Frame(FrameKind.Telemetry, 0, TelemetryRecord.ToPayload(records)));
        await pair.WriteAsync(new Frame(FrameKind.Reply, request.Id, new PluginReply(0, Status: "Healthy").ToPayload()));

        Assert.Equal("Healthy", (await waiting).Status);
        Assert.Equal(["child.work 25"], replayed);
    }
}
