using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Framework.EndToEnd.Tests.Otlp;

/// <summary>
/// A real OTLP receiver on loopback for tests: Kestrel (from the shared framework) on two ephemeral
/// ports of 127.0.0.1, OTLP/HTTP protobuf at /v1/traces, /v1/metrics and /v1/logs on the first
/// (HTTP/1.1), OTLP/gRPC (the three Export methods, h2c) on the second. Payloads are decoded with
/// our own readers; what arrives is kept in order, what cannot be decoded is answered 400 (HTTP) or
/// INVALID_ARGUMENT (gRPC) and listed in <see cref="Errors"/>.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private const int MaxPayload = 64 << 20;

    private readonly ConcurrentQueue<OtlpSpan> _spans = new();
    private readonly ConcurrentQueue<OtlpMetric> _metrics = new();
    private readonly ConcurrentQueue<OtlpLogRecord> _logs = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private WebApplication? _app;

    private OtlpReceiver()
    {
    }

    private enum Signal
    {
        Traces,
        Metrics,
        Logs,
    }

    /// <summary>The OTLP/HTTP base address (for OTEL_EXPORTER_OTLP_ENDPOINT with http/protobuf).</summary>
    public Uri HttpEndpoint { get; private set; } = null!;

    /// <summary>The OTLP/gRPC address (for OTEL_EXPORTER_OTLP_ENDPOINT with grpc).</summary>
    public Uri GrpcEndpoint { get; private set; } = null!;

    public IReadOnlyList<OtlpSpan> Spans => [.. _spans];

    public IReadOnlyList<OtlpMetric> Metrics => [.. _metrics];

    public IReadOnlyList<OtlpLogRecord> Logs => [.. _logs];

    /// <summary>Requests that were refused, with the reason.</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    /// <summary>Every request received, as "METHOD path (protocol)".</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    public static async Task<OtlpReceiver> StartAsync()
    {
        var receiver = new OtlpReceiver();
        // The empty builder: no appsettings.json, no ASPNETCORE_* variables, no logging; only what is set here.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddRoutingCore();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = MaxPayload;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        app.MapPost("/v1/traces", context => receiver.HandleHttpAsync(context, Signal.Traces));
        app.MapPost("/v1/metrics", context => receiver.HandleHttpAsync(context, Signal.Metrics));
        app.MapPost("/v1/logs", context => receiver.HandleHttpAsync(context, Signal.Logs));
        app.MapPost("/opentelemetry.proto.collector.trace.v1.TraceService/Export", context => receiver.HandleGrpcAsync(context, Signal.Traces));
        app.MapPost("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", context => receiver.HandleGrpcAsync(context, Signal.Metrics));
        app.MapPost("/opentelemetry.proto.collector.logs.v1.LogsService/Export", context => receiver.HandleGrpcAsync(context, Signal.Logs));
        await app.StartAsync();
        receiver._app = app;

        // Kestrel reports the bound addresses in the order the endpoints were declared.
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.ToList();
        receiver.HttpEndpoint = new Uri(addresses[0]);
        receiver.GrpcEndpoint = new Uri(addresses[1]);
        return receiver;
    }

    /// <summary>Waits until <paramref name="condition"/> holds, or fails with what arrived so far.</summary>
    public async Task WaitForAsync(Func<OtlpReceiver, bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition(this))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the receiver did not get {what} within {timeout}; {Describe()}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>A summary of what arrived, for failure messages.</summary>
    public string Describe() =>
        $"requests: [{string.Join(", ", Requests)}]; spans: [{string.Join(", ", Spans.Select(s => $"{s.Scope.Name}:{s.Name}"))}]; " +
        $"metrics: [{string.Join(", ", Metrics.Select(m => $"{m.Scope.Name}:{m.Name}").Distinct())}]; logs: {Logs.Count}; errors: [{string.Join(" | ", Errors)}]";

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task HandleHttpAsync(HttpContext context, Signal signal)
    {
        _requests.Enqueue($"POST {context.Request.Path} ({context.Request.Protocol})");
        var contentType = context.Request.ContentType ?? string.Empty;
        if (!contentType.StartsWith("application/x-protobuf", StringComparison.OrdinalIgnoreCase))
        {
            _errors.Enqueue($"{context.Request.Path}: content type '{contentType}' is not application/x-protobuf");
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        byte[] payload;
        try
        {
            payload = await ReadBodyAsync(context.Request);
            if (string.Equals(context.Request.Headers.ContentEncoding, "gzip", StringComparison.OrdinalIgnoreCase))
            {
                payload = Gunzip(payload);
            }

            Accept(signal, payload);
        }
        catch (Exception e) when (e is OtlpDecodeException or InvalidDataException or Microsoft.AspNetCore.Http.BadHttpRequestException or IOException)
        {
            _errors.Enqueue($"{context.Request.Path}: {e.Message}");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        // An empty Export*ServiceResponse: full success.
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/x-protobuf";
        context.Response.ContentLength = 0;
    }

    private async Task HandleGrpcAsync(HttpContext context, Signal signal)
    {
        _requests.Enqueue($"POST {context.Request.Path} ({context.Request.Protocol})");
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        var status = 0;
        try
        {
            var body = await ReadBodyAsync(context.Request);
            var compressed = string.Equals(context.Request.Headers["grpc-encoding"], "gzip", StringComparison.OrdinalIgnoreCase);
            foreach (var message in GrpcFrames(body, compressed))
            {
                Accept(signal, message);
            }

            // One length-prefixed, empty response message.
            await context.Response.Body.WriteAsync(new byte[5]);
        }
        catch (Exception e) when (e is OtlpDecodeException or InvalidDataException or Microsoft.AspNetCore.Http.BadHttpRequestException or IOException)
        {
            _errors.Enqueue($"{context.Request.Path}: {e.Message}");
            status = 3; // INVALID_ARGUMENT
        }

        context.Response.AppendTrailer("grpc-status", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static IEnumerable<byte[]> GrpcFrames(byte[] body, bool gzip)
    {
        var offset = 0;
        while (offset < body.Length)
        {
            if (body.Length - offset < 5)
            {
                throw new InvalidDataException($"a gRPC frame header cut at byte {offset}.");
            }

            var flag = body[offset];
            var length = BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1, 4));
            if (length > (uint)(body.Length - offset - 5))
            {
                throw new InvalidDataException($"a gRPC frame of {length} bytes at byte {offset} runs past the body ({body.Length} bytes).");
            }

            var message = body.AsSpan(offset + 5, (int)length).ToArray();
            offset += 5 + (int)length;
            yield return flag switch
            {
                0 => message,
                1 when gzip => Gunzip(message),
                _ => throw new InvalidDataException($"gRPC compressed flag {flag} without a known grpc-encoding."),
            };
        }
    }

    private void Accept(Signal signal, byte[] payload)
    {
        switch (signal)
        {
            case Signal.Traces:
                foreach (var span in OtlpTraceDecoder.Decode(payload))
                {
                    _spans.Enqueue(span);
                }

                break;
            case Signal.Metrics:
                foreach (var metric in OtlpMetricsDecoder.Decode(payload))
                {
                    _metrics.Enqueue(metric);
                }

                break;
            default:
                foreach (var record in OtlpLogsDecoder.Decode(payload))
                {
                    _logs.Enqueue(record);
                }

                break;
        }
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    private static byte[] Gunzip(byte[] data)
    {
        using var input = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        using var output = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = input.Read(chunk, 0, chunk.Length)) > 0)
        {
            output.Write(chunk, 0, read);
            if (output.Length > MaxPayload)
            {
                throw new InvalidDataException($"a gzip payload inflating past {MaxPayload} bytes.");
            }
        }

        return output.ToArray();
    }
}
