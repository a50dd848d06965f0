using Framework.EndToEnd.Tests.Infrastructure;

namespace Framework.EndToEnd.Tests.Hostile;

/// <summary>A malformed OTEL_* variable is one line naming the variable (exit 2), never an abort
/// (exit 134) from deep inside an exporter's constructor.</summary>
public sealed class TelemetrySettingsTests
{
    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_HEADERS", "garbage")]
    [InlineData("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "=novalue")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "notaurl")]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL", "carrier-pigeon")]
    [InlineData("OTEL_TRACES_EXPORTER", "bogus")]
    [InlineData("OTEL_EXPORTER_ZIPKIN_ENDPOINT", "ftp://x")]
    public async Task A_malformed_telemetry_variable_is_named_and_never_aborts(string variable, string value)
    {
        var environment = new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9", [variable] = value };

        var result = await FrameworkProcess.RunAsync(["bpf", "helpers"], environment, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(variable, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }
}
