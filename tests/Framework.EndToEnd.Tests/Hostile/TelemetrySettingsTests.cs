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

    [Fact]
    public async Task A_telemetry_file_that_is_a_directory_is_refused_naming_the_setting()
    {
        var folder = Directory.CreateTempSubdirectory("framework-otlp-").FullName;
        try
        {
            var result = await FrameworkProcess.RunAsync(["--set", $"Host:Telemetry:FilePath={folder}", "bpf", "helpers"], null, TimeSpan.FromSeconds(60));

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Contains($"Host:Telemetry:FilePath: cannot append to '{folder}': it is a directory", result.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_telemetry_file_that_cannot_be_written_is_reported_once_not_dropped_silently()
    {
        // /dev/full (every Linux has it): a character device, written through, on which every
        // write fails with ENOSPC.
        var result = await FrameworkProcess.RunAsync(["--set", "Host:Telemetry:FilePath=/dev/full", "bpf", "helpers"], null, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.ToString());
        var warnings = result.Error.Split('\n').Count(l => l.Contains("framework: warning: Host:Telemetry:FilePath: cannot append to '/dev/full'", StringComparison.Ordinal));
        Assert.True(warnings == 1, result.ToString());
    }
}
