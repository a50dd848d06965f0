using System.Diagnostics;
using Framework.Plugins.UserEvents.Backends;
using Framework.Plugins.UserEvents.EventHeader;
using Framework.Plugins.UserEvents.Exporter;
using Framework.Plugins.UserEvents.Groups;
using Microsoft.Extensions.Logging;

namespace Framework.Plugins.UserEvents.Tests;

public sealed class UserEventsExporterTests : IDisposable
{
    private readonly InProcessBackend _backend = new(new UserEventGroupRegistry(isPerfmonCapable: true), "test");
    private readonly ExporterTracepoints _tracepoints;

    public UserEventsExporterTests() => _tracepoints = new ExporterTracepoints(_backend, "ExporterTest");

    public void Dispose() => _tracepoints.Dispose();

    [Fact]
    public void A_finished_span_is_written_as_an_EventHeader_Span_event_while_its_tracepoint_is_enabled()
    {
        using var source = new ActivitySource("exporter-test-" + Guid.NewGuid().ToString("n"));
        using var exporter = new UserEventsSpanExporter(_tracepoints);
        var received = new List<UserEventSample>();
        using (_backend.Listen("ExporterTest_L4K2", null, s => received.Add(s)))
        {
            using (var activity = source.StartActivity("work", ActivityKind.Server))
            {
                Assert.NotNull(activity);
                activity.SetTag("http.route", "/x");
                activity.SetStatus(ActivityStatusCode.Ok);
            }
        }

        var sample = Assert.Single(received);
        Assert.Equal("ExporterTest_L4K2", sample.TracepointName);
        Assert.True(EventHeaderDecoder.TryDecode(sample.Payload, out var decoded, out var error), error);
        Assert.Equal("Span", decoded!.Name);
        var fields = decoded.Fields.ToDictionary(f => f.Name, f => f.Value);
        Assert.Equal("work", fields["name"]);
        Assert.Equal("Server", fields["kind"]);
        Assert.Equal("Ok", fields["status"]);
        Assert.Equal("/x", fields["http.route"]);
        Assert.Equal(32, fields["traceId"].Length);
        Assert.Equal(1, exporter.Exported);
    }

    [Fact]
    public void With_no_consumer_the_exporter_samples_nothing_and_writes_nothing()
    {
        using var source = new ActivitySource("exporter-idle-" + Guid.NewGuid().ToString("n"));
        using var exporter = new UserEventsSpanExporter(_tracepoints);
        Assert.False(_tracepoints.Spans.IsEnabled);
        using (var activity = source.StartActivity("idle"))
        {
            Assert.Null(activity);
        }

        Assert.Equal(0, exporter.Exported);
        Assert.Equal(0, _tracepoints.Spans.Emitted + _tracepoints.Spans.Dropped);
    }

    [Fact]
    public void Log_records_go_to_the_tracepoint_of_their_level_with_their_structured_values()
    {
        using var factory = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Trace).AddProvider(new UserEventsLoggerProvider(_tracepoints)));
        var logger = factory.CreateLogger("Test.Category");
        var received = new List<UserEventSample>();
        Assert.False(logger.IsEnabled(LogLevel.Warning));
        using (_backend.Listen("ExporterTest_L3K1", null, s => received.Add(s)))
        {
            Assert.True(logger.IsEnabled(LogLevel.Warning));
            Assert.False(logger.IsEnabled(LogLevel.Information));
            logger.LogWarning(new EventId(7, "Disk"), "disk {Device} at {Percent}%", "sda", 93);
            logger.LogInformation("not listened to");
        }

        var sample = Assert.Single(received);
        Assert.True(EventHeaderDecoder.TryDecode(sample.Payload, out var decoded, out var error), error);
        Assert.Equal(("Log", (byte)3), (decoded!.Name, decoded.Level));
        var fields = decoded.Fields.ToDictionary(f => f.Name, f => f.Value);
        Assert.Equal("Test.Category", fields["category"]);
        Assert.Equal("7", fields["eventId"]);
        Assert.Equal("Disk", fields["eventName"]);
        Assert.Equal("disk sda at 93%", fields["body"]);
        Assert.Equal("sda", fields["Device"]);
        Assert.Equal("93", fields["Percent"]);
    }

    [Fact]
    public async Task The_exporter_service_adds_its_logger_provider_to_the_factory_it_is_given_and_disables_it_on_stop()
    {
        using var host = LoggerFactory.Create(builder => builder.SetMinimumLevel(LogLevel.Information));
        var options = Microsoft.Extensions.Options.Options.Create(new UserEventsOptions { Exporter = { Enabled = true, Provider = "ServiceTest", Spans = false } });
        using var service = new UserEventsExporterService(_backend, options, host);
        var received = new List<UserEventSample>();
        await service.StartAsync(CancellationToken.None);
        using (_backend.Listen("ServiceTest_L4K1", null, s => received.Add(s)))
        {
            host.CreateLogger("Another.Plugin").LogInformation("from {Who}", "elsewhere");
            await service.StopAsync(CancellationToken.None);
            host.CreateLogger("Another.Plugin").LogInformation("after the exporter stopped");
        }

        // Another component's record reaches the tracepoint through the host's factory; nothing after stop.
        var bodies = received.Select(s => EventHeaderDecoder.TryDecode(s.Payload, out var e, out _) ? e!.Fields.Single(f => f.Name == "body").Value : "?").ToList();
        Assert.Equal(["from elsewhere"], bodies);
    }
}
