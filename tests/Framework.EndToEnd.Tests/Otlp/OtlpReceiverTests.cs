using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;

namespace Framework.EndToEnd.Tests.Otlp;

public sealed class OtlpReceiverTests : IAsyncLifetime
{
    private OtlpReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await OtlpReceiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public void It_listens_on_loopback_ephemeral_ports()
    {
        Assert.Equal("127.0.0.1", _receiver.HttpEndpoint.Host);
        Assert.Equal("127.0.0.1", _receiver.GrpcEndpoint.Host);
        Assert.NotEqual(_receiver.HttpEndpoint.Port, _receiver.GrpcEndpoint.Port);
    }

    [Fact]
    public async Task OTLP_HTTP_protobuf_payloads_are_decoded_per_signal()
    {
        using var http = new HttpClient { BaseAddress = _receiver.HttpEndpoint };
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/traces", Protobuf(OtlpSamplePayloads.Traces()))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/metrics", Protobuf(OtlpSamplePayloads.Metrics()))).StatusCode);
        var logs = await http.PostAsync("/v1/logs", Protobuf(OtlpSamplePayloads.Logs()));
        Assert.Equal(HttpStatusCode.OK, logs.StatusCode);
        Assert.Equal("application/x-protobuf", logs.Content.Headers.ContentType?.MediaType);

        Assert.Equal("sample.work", Assert.Single(_receiver.Spans).Name);
        Assert.Equal(4, _receiver.Metrics.Count);
        Assert.Equal("ItemsDone", Assert.Single(_receiver.Logs).EventName);
        Assert.Empty(_receiver.Errors);
    }

    [Fact]
    public async Task Gzip_payloads_are_inflated()
    {
        using var http = new HttpClient { BaseAddress = _receiver.HttpEndpoint };
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(OtlpSamplePayloads.Traces());
        }

        var content = Protobuf(compressed.ToArray());
        content.Headers.ContentEncoding.Add("gzip");
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/traces", content)).StatusCode);
        Assert.Single(_receiver.Spans);
    }

    [Fact]
    public async Task A_malformed_payload_is_answered_400_and_recorded()
    {
        using var http = new HttpClient { BaseAddress = _receiver.HttpEndpoint };
        var response = await http.PostAsync("/v1/traces", Protobuf([0x0a, 0x05, 0x01]));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("/v1/traces: ExportTraceServiceRequest.1 at byte 0", Assert.Single(_receiver.Errors));
        Assert.Empty(_receiver.Spans);
    }

    [Fact]
    public async Task OTLP_JSON_is_refused_with_415()
    {
        using var http = new HttpClient { BaseAddress = _receiver.HttpEndpoint };
        var response = await http.PostAsync("/v1/logs", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task OTLP_gRPC_over_h2c_is_decoded_and_answered_with_grpc_status_0()
    {
        var response = await GrpcAsync("/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", Frame(OtlpSamplePayloads.Metrics()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Version(2, 0), response.Version);
        Assert.Equal(new byte[5], await response.Content.ReadAsByteArrayAsync());
        Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
        Assert.Equal(4, _receiver.Metrics.Count);
    }

    [Fact]
    public async Task A_malformed_gRPC_message_is_answered_INVALID_ARGUMENT()
    {
        var response = await GrpcAsync("/opentelemetry.proto.collector.logs.v1.LogsService/Export", Frame([0x0a, 0x09]));
        Assert.Equal("3", response.TrailingHeaders.GetValues("grpc-status").Single());
        Assert.Single(_receiver.Errors);
        Assert.Empty(_receiver.Logs);
    }

    private async Task<HttpResponseMessage> GrpcAsync(string path, byte[] body)
    {
        using var http = new HttpClient { BaseAddress = _receiver.GrpcEndpoint };
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
        return response;
    }

    private static byte[] Frame(byte[] message)
    {
        var frame = new byte[message.Length + 5];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)message.Length);
        message.CopyTo(frame, 5);
        return frame;
    }

    private static ByteArrayContent Protobuf(byte[] payload)
    {
        var content = new ByteArrayContent(payload);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return content;
    }
}
