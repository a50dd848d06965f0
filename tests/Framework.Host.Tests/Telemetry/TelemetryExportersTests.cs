using Framework.Host.Telemetry;

namespace Framework.Host.Tests.Telemetry;

public sealed class TelemetryExportersTests
{
    private static TelemetryExporters Read(IDictionary<string, string> variables, int? hostInterval = null) =>
        TelemetryExporters.FromEnvironment(hostInterval, name => variables.TryGetValue(name, out var value) ? value : null);

    [Fact]
    public void Comma_lists_choose_exporters_per_signal()
    {
        var exporters = Read(new Dictionary<string, string>
        {
            ["OTEL_TRACES_EXPORTER"] = "otlp, console,zipkin",
            ["OTEL_METRICS_EXPORTER"] = "console",
            ["OTEL_LOGS_EXPORTER"] = "none",
        });

        Assert.Equal(["console", "otlp", "zipkin"], exporters.Traces.Order());
        Assert.Equal(["console"], exporters.Metrics);
        Assert.Empty(exporters.Logs);
    }

    [Fact]
    public void Unset_means_otlp_when_an_endpoint_is_configured_and_nothing_otherwise()
    {
        Assert.Empty(Read(new Dictionary<string, string>()).Traces);
        Assert.Equal(["otlp"], Read(new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4317" }).Metrics);
        var perSignal = Read(new Dictionary<string, string> { ["OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"] = "http://collector:4318/v1/logs" });
        Assert.Equal(["otlp"], perSignal.Logs);
        Assert.Empty(perSignal.Traces);
    }

    [Theory]
    [InlineData("OTEL_METRICS_EXPORTER", "zipkin", "OTEL_METRICS_EXPORTER: 'zipkin' is not an exporter of metrics (use otlp, console or none, comma-separated).")]
    [InlineData("OTEL_TRACES_EXPORTER", "jaeger", "OTEL_TRACES_EXPORTER: 'jaeger' is not an exporter of traces (use otlp, console, zipkin or none, comma-separated).")]
    [InlineData("OTEL_LOGS_EXPORTER", "none,otlp", "OTEL_LOGS_EXPORTER: 'none' cannot be combined with other exporters ('none,otlp').")]
    [InlineData("OTEL_METRIC_EXPORT_INTERVAL", "soon", "OTEL_METRIC_EXPORT_INTERVAL: 'soon' is not a positive number of milliseconds.")]
    public void A_value_the_specification_does_not_allow_is_refused_naming_the_variable(string variable, string value, string message) =>
        Assert.Equal(message, Assert.Throws<FormatException>(() => Read(new Dictionary<string, string> { [variable] = value })).Message);

    [Fact]
    public void The_metric_interval_comes_from_the_host_setting_then_the_variable_then_the_default()
    {
        var variable = new Dictionary<string, string> { ["OTEL_METRIC_EXPORT_INTERVAL"] = "2500" };
        Assert.Equal(2500, Read(variable).MetricExportIntervalMilliseconds);
        Assert.Equal(700, Read(variable, hostInterval: 700).MetricExportIntervalMilliseconds);
        Assert.Equal(60_000, Read(new Dictionary<string, string>()).MetricExportIntervalMilliseconds);
    }
}
