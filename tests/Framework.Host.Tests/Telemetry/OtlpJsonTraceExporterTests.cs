using System.Diagnostics;
using System.Text.Json;
using Framework.Host.Telemetry.OtlpJson;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Framework.Host.Tests.Telemetry;

public sealed class OtlpJsonTraceExporterTests : IDisposable
{
    private readonly OtlpJsonLines _lines = new();
    private readonly string _sourceName = "test.traces." + Guid.NewGuid().ToString("N");

    public void Dispose() => _lines.Dispose();

    [Fact]
    public void A_span_is_written_in_the_OTLP_JSON_mapping()
    {
        ActivityTraceId traceId = default;
        ActivitySpanId spanId = default;
        ActivitySpanId parentId = default;
        var linked = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, "k=v", isRemote: true);
        var start = new DateTime(2026, 11, 22, 10, 0, 0, DateTimeKind.Utc).AddTicks(1234567);
        Run(source =>
        {
            using var parent = source.StartActivity("parent")!;
            using var activity = source.StartActivity("work", ActivityKind.Server, parentContext: default, links: [new ActivityLink(linked, new ActivityTagsCollection { ["link.attr"] = 7 })])!;
            activity.SetStartTime(start);
            activity.SetTag("s", "text");
            activity.SetTag("i", 42);
            activity.SetTag("l", long.MinValue);
            activity.SetTag("d", 1.5);
            activity.SetTag("b", true);
            activity.SetTag("arr", new[] { "x", "y" });
            activity.SetTag("ints", new[] { 1, 2 });
            activity.SetTag("none", null);
            activity.AddEvent(new ActivityEvent("checkpoint", new DateTimeOffset(start.AddMilliseconds(1)), new ActivityTagsCollection { ["e"] = "v" }));
            activity.SetStatus(ActivityStatusCode.Error, "it broke");
            activity.SetEndTime(start.AddMilliseconds(2));
            traceId = activity.TraceId;
            spanId = activity.SpanId;
            parentId = activity.ParentSpanId;
        },
        batch: true);

        var line = Assert.Single(_lines.Read());
        var resourceSpans = Assert.Single(line.GetProperty("resourceSpans").EnumerateArray());
        var resource = OtlpJsonLines.Attributes(resourceSpans.GetProperty("resource"));
        Assert.Equal("\"svc\"", resource["service.name"].GetProperty("stringValue").GetRawText());
        Assert.Equal("1.2.3", resource["service.version"].GetProperty("stringValue").GetString());
        Assert.Equal("\"3\"", resource["resource.number"].GetProperty("intValue").GetRawText());

        var scopeSpans = Assert.Single(resourceSpans.GetProperty("scopeSpans").EnumerateArray());
        var scope = scopeSpans.GetProperty("scope");
        Assert.Equal(_sourceName, scope.GetProperty("name").GetString());
        Assert.Equal("9.8.7", scope.GetProperty("version").GetString());
        Assert.Equal("sample", OtlpJsonLines.Attributes(scope)["framework.plugin.id"].GetProperty("stringValue").GetString());

        var spans = scopeSpans.GetProperty("spans").EnumerateArray().ToList();
        Assert.Equal(2, spans.Count);
        var span = spans.Single(s => s.GetProperty("name").GetString() == "work");
        Assert.Equal(traceId.ToHexString(), span.GetProperty("traceId").GetString());
        Assert.Matches("^[0-9a-f]{32}$", span.GetProperty("traceId").GetString());
        Assert.Equal(spanId.ToHexString(), span.GetProperty("spanId").GetString());
        Assert.Equal(parentId.ToHexString(), span.GetProperty("parentSpanId").GetString());
        Assert.Equal(2, span.GetProperty("kind").GetInt32());
        Assert.Equal(0x101u, span.GetProperty("flags").GetUInt32());

        var startNanos = (ulong)(start - DateTime.UnixEpoch).Ticks * 100;
        Assert.Equal(JsonValueKind.String, span.GetProperty("startTimeUnixNano").ValueKind);
        Assert.Equal(startNanos.ToString(System.Globalization.CultureInfo.InvariantCulture), span.GetProperty("startTimeUnixNano").GetString());
        Assert.Equal((startNanos + 2_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture), span.GetProperty("endTimeUnixNano").GetString());

        var attributes = OtlpJsonLines.Attributes(span);
        Assert.Equal(("stringValue", "\"text\""), OtlpJsonLines.Any(attributes["s"]));
        Assert.Equal(("intValue", "\"42\""), OtlpJsonLines.Any(attributes["i"]));
        Assert.Equal(("intValue", "\"-9223372036854775808\""), OtlpJsonLines.Any(attributes["l"]));
        Assert.Equal(("doubleValue", "1.5"), OtlpJsonLines.Any(attributes["d"]));
        Assert.Equal(("boolValue", "true"), OtlpJsonLines.Any(attributes["b"]));
        Assert.Equal(("arrayValue", "{\"values\":[{\"stringValue\":\"x\"},{\"stringValue\":\"y\"}]}"), OtlpJsonLines.Any(attributes["arr"]));
        Assert.Equal(("arrayValue", "{\"values\":[{\"intValue\":\"1\"},{\"intValue\":\"2\"}]}"), OtlpJsonLines.Any(attributes["ints"]));
        Assert.False(attributes.ContainsKey("none"));

        var ev = Assert.Single(span.GetProperty("events").EnumerateArray());
        Assert.Equal("checkpoint", ev.GetProperty("name").GetString());
        Assert.Equal((startNanos + 1_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture), ev.GetProperty("timeUnixNano").GetString());
        Assert.Equal(("stringValue", "\"v\""), OtlpJsonLines.Any(OtlpJsonLines.Attributes(ev)["e"]));

        var link = Assert.Single(span.GetProperty("links").EnumerateArray());
        Assert.Equal(linked.TraceId.ToHexString(), link.GetProperty("traceId").GetString());
        Assert.Equal(linked.SpanId.ToHexString(), link.GetProperty("spanId").GetString());
        Assert.Equal("k=v", link.GetProperty("traceState").GetString());
        Assert.Equal(0x301u, link.GetProperty("flags").GetUInt32());
        Assert.Equal(("intValue", "\"7\""), OtlpJsonLines.Any(OtlpJsonLines.Attributes(link)["link.attr"]));

        Assert.Equal("{\"message\":\"it broke\",\"code\":2}", span.GetProperty("status").GetRawText());

        var root = spans.Single(s => s.GetProperty("name").GetString() == "parent");
        Assert.False(root.TryGetProperty("parentSpanId", out _));
        Assert.Equal(1, root.GetProperty("kind").GetInt32());
        Assert.Equal("{}", root.GetProperty("status").GetRawText());
    }

    [Fact]
    public void Legacy_status_tags_become_the_status_and_not_attributes()
    {
        Run(source =>
        {
            using var activity = source.StartActivity("legacy")!;
            activity.SetTag("otel.status_code", "ERROR");
            activity.SetTag("otel.status_description", "old style");
            activity.SetTag("kept", 1);
        });

        var span = SingleSpan();
        Assert.Equal(["kept"], OtlpJsonLines.Attributes(span).Keys);
        Assert.Equal("{\"message\":\"old style\",\"code\":2}", span.GetProperty("status").GetRawText());
    }

    [Fact]
    public void Ok_status_has_no_message()
    {
        Run(source =>
        {
            using var activity = source.StartActivity("ok")!;
            activity.SetStatus(ActivityStatusCode.Ok, "ignored by the specification");
        });

        Assert.Equal("{\"code\":1}", SingleSpan().GetProperty("status").GetRawText());
    }

    [Fact]
    public void Hostile_attribute_values_are_written_as_valid_JSON()
    {
        var huge = new string('x', 1 << 20) + "\"\\\n\u2028end";
        Run(source =>
        {
            using var activity = source.StartActivity("hostile\u0000\"name")!;
            activity.SetTag("nan", double.NaN);
            activity.SetTag("inf", double.PositiveInfinity);
            activity.SetTag("ninf", float.NegativeInfinity);
            activity.SetTag("ulong.max", ulong.MaxValue);
            activity.SetTag("ulong.small", 5UL);
            activity.SetTag("bytes", new byte[] { 0, 1, 255 });
            activity.SetTag("surrogate", "a\uD800b");
            activity.SetTag("unicode", "héllo wörld ☃ 𝄞");
            activity.SetTag("huge", huge);
            activity.SetTag("throws", new ThrowingToString());
            activity.SetTag("guid", new Guid("01234567-89ab-cdef-0123-456789abcdef"));
            activity.SetTag("mixed", new object?[] { 1, "two", null, 3.5, new[] { true } });
            activity.SetTag("deep", Nest(50));
            activity.SetTag(string.Empty, "empty key is dropped");
            activity.SetTag("dec", 1.25m);
            activity.SetTag("char", 'c');
        });

        var span = SingleSpan();
        Assert.Equal("hostile\u0000\"name", span.GetProperty("name").GetString());
        var a = OtlpJsonLines.Attributes(span);
        Assert.Equal(("doubleValue", "\"NaN\""), OtlpJsonLines.Any(a["nan"]));
        Assert.Equal(("doubleValue", "\"Infinity\""), OtlpJsonLines.Any(a["inf"]));
        Assert.Equal(("doubleValue", "\"-Infinity\""), OtlpJsonLines.Any(a["ninf"]));
        Assert.Equal(("stringValue", "\"18446744073709551615\""), OtlpJsonLines.Any(a["ulong.max"]));
        Assert.Equal(("intValue", "\"5\""), OtlpJsonLines.Any(a["ulong.small"]));
        Assert.Equal(("bytesValue", "\"AAH/\""), OtlpJsonLines.Any(a["bytes"]));
        Assert.Equal("a\uFFFDb", a["surrogate"].GetProperty("stringValue").GetString());
        Assert.Equal("héllo wörld ☃ 𝄞", a["unicode"].GetProperty("stringValue").GetString());
        Assert.Equal(huge, a["huge"].GetProperty("stringValue").GetString());
        Assert.Equal("<" + typeof(ThrowingToString).FullName + ": ToString threw InvalidOperationException>", a["throws"].GetProperty("stringValue").GetString());
        Assert.Equal("01234567-89ab-cdef-0123-456789abcdef", a["guid"].GetProperty("stringValue").GetString());
        Assert.Equal(
            "{\"values\":[{\"intValue\":\"1\"},{\"stringValue\":\"two\"},{},{\"doubleValue\":3.5},{\"arrayValue\":{\"values\":[{\"boolValue\":true}]}}]}",
            a["mixed"].GetProperty("arrayValue").GetRawText());
        Assert.Equal(("stringValue", "\"1.25\""), OtlpJsonLines.Any(a["dec"]));
        Assert.Equal(("stringValue", "\"c\""), OtlpJsonLines.Any(a["char"]));
        Assert.False(a.ContainsKey(string.Empty));

        // Arrays nest to a fixed depth, then the rest is the array's string form.
        var depth = 0;
        var value = a["deep"];
        while (value.TryGetProperty("arrayValue", out var array))
        {
            value = Assert.Single(array.GetProperty("values").EnumerateArray());
            depth++;
        }

        Assert.Equal(OtlpJsonWriter.MaxValueDepth, depth);
        Assert.Equal("System.Object[]", value.GetProperty("stringValue").GetString());
    }

    [Fact]
    public void Spans_of_several_sources_are_grouped_by_scope_in_one_line_per_batch()
    {
        using var other = new ActivitySource(_sourceName + ".other");
        Run(
            source =>
            {
                source.StartActivity("a")!.Dispose();
                other.StartActivity("b")!.Dispose();
                source.StartActivity("c")!.Dispose();
            },
            batch: true,
            extraSource: other.Name);

        var line = Assert.Single(_lines.Read());
        var scopes = line.GetProperty("resourceSpans")[0].GetProperty("scopeSpans").EnumerateArray()
            .ToDictionary(s => s.GetProperty("scope").GetProperty("name").GetString()!, s => s.GetProperty("spans").EnumerateArray().Select(x => x.GetProperty("name").GetString()).ToList());
        Assert.Equal(["a", "c"], scopes[_sourceName]);
        Assert.Equal(["b"], scopes[other.Name]);
        Assert.False(line.GetProperty("resourceSpans")[0].GetProperty("scopeSpans").EnumerateArray().Single(s => s.GetProperty("scope").GetProperty("name").GetString() == other.Name).GetProperty("scope").TryGetProperty("version", out _));
    }

    [Fact]
    public void Export_after_the_file_is_closed_fails_without_throwing()
    {
        var file = new OtlpJsonFile(_lines.FilePath);
        using var exporter = new OtlpJsonTraceExporter(file);
        file.Dispose();
        using var activity = new Activity("late").Start();
        activity.Stop();
        Assert.Equal(ExportResult.Failure, exporter.Export(new Batch<Activity>([activity], 1)));
    }

    [Fact]
    public void Concurrent_exports_from_many_threads_each_write_a_whole_line()
    {
        using (var file = new OtlpJsonFile(_lines.FilePath))
        using (var exporter = new OtlpJsonTraceExporter(file))
        {
            Parallel.For(0, 400, i =>
            {
                using var activity = new Activity("span-" + i).Start();
                activity.SetTag("payload", new string('p', i * 10));
                activity.Stop();
                Assert.Equal(ExportResult.Success, exporter.Export(new Batch<Activity>([activity], 1)));
            });
        }

        var names = _lines.Read().Select(l => l.GetProperty("resourceSpans")[0].GetProperty("scopeSpans")[0].GetProperty("spans")[0].GetProperty("name").GetString()).ToHashSet();
        Assert.Equal(400, names.Count);
    }

    private static object Nest(int depth)
    {
        object value = "leaf";
        for (var i = 0; i < depth; i++)
        {
            value = new object[] { value };
        }

        return value;
    }

    private JsonElement SingleSpan()
    {
        var line = Assert.Single(_lines.Read());
        return Assert.Single(line.GetProperty("resourceSpans")[0].GetProperty("scopeSpans")[0].GetProperty("spans").EnumerateArray());
    }

    private void Run(Action<ActivitySource> emit, bool batch = false, string? extraSource = null)
    {
        using var file = new OtlpJsonFile(_lines.FilePath);
        using var source = new ActivitySource(_sourceName, "9.8.7", [new("framework.plugin.id", "sample")]);
        var exporter = new OtlpJsonTraceExporter(file);
        var builder = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(ResourceBuilder.CreateEmpty().AddService("svc", serviceVersion: "1.2.3").AddAttributes([new("resource.number", 3)]))
            .AddSource(_sourceName)
            .AddProcessor(batch ? new BatchActivityExportProcessor(exporter) : new SimpleActivityExportProcessor(exporter));
        if (extraSource is not null)
        {
            builder.AddSource(extraSource);
        }

        using (builder.Build())
        {
            emit(source);
        }
    }

    private sealed class ThrowingToString
    {
        public override string ToString() => throw new InvalidOperationException("no");
    }
}
