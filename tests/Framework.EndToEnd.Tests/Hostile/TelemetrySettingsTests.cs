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
    public async Task A_telemetry_file_that_is_a_block_device_or_a_socket_is_refused_and_left_alone()
    {
        var folder = Directory.CreateTempSubdirectory("framework-otlp-").FullName;
        try
        {
            // A socket needs no privilege; a block device node does (mknod as root). Nothing behind
            // loop minor 250 need exist: the host must refuse by the node's type alone.
            var socketPath = Path.Combine(folder, "otlp.sock");
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(socketPath));
            var cases = new List<(string Path, string Kind)> { (socketPath, "a socket") };
            var block = Path.Combine(folder, "disk");
            if (Environment.UserName == "root" && System.Diagnostics.Process.Start("mknod", [block, "b", "7", "250"]) is { } mknod && mknod.WaitForExit(10_000) && mknod.ExitCode == 0)
            {
                cases.Add((block, "a block device"));
            }

            foreach (var (path, kind) in cases)
            {
                var result = await FrameworkProcess.RunAsync(["--set", $"Host:Telemetry:FilePath={path}", "bpf", "helpers"], null, TimeSpan.FromSeconds(60));

                Assert.True(result.ExitCode == 2, result.ToString());
                Assert.Contains($"Host:Telemetry:FilePath: cannot append to '{path}': it is {kind}", result.Error, StringComparison.Ordinal);
            }

            Assert.True(cases.Count == 2 || Environment.UserName != "root", "mknod failed as root");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [RootFact]
    public async Task A_telemetry_file_on_a_full_disk_keeps_only_whole_lines()
    {
        var disk = Directory.CreateTempSubdirectory("framework-otlp-disk-").FullName;
        Scratch.Shell("mount", "-t", "tmpfs", "-o", "size=64k", "framework-test", disk);
        try
        {
            // One page left: the first export lines fit, a later one (the metrics at shutdown are
            // several kilobytes) is written in part, fails with ENOSPC and must be cut back.
            File.WriteAllBytes(Path.Combine(disk, "filler"), new byte[60 * 1024]);
            var file = Path.Combine(disk, "otlp.jsonl");

            var result = await FrameworkProcess.RunAsync(["--set", $"Host:Telemetry:FilePath={file}", "bpf", "helpers"], null, TimeSpan.FromSeconds(60));

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Single(result.Error.Split('\n'), l => l.Contains($"framework: warning: Host:Telemetry:FilePath: cannot append to '{file}'", StringComparison.Ordinal));
            var text = File.Exists(file) ? File.ReadAllText(file) : string.Empty;
            Assert.True(text.Length == 0 || text.EndsWith('\n'), $"the file ends in the middle of a line: ...{text[Math.Max(0, text.Length - 80)..]}");
            foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                using var _ = System.Text.Json.JsonDocument.Parse(line);
            }
        }
        finally
        {
            Scratch.Shell("umount", disk);
            Directory.Delete(disk, recursive: true);
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
