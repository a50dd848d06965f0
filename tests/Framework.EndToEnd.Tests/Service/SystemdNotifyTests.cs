using System.Net.Sockets;
using System.Text;
using Framework.EndToEnd.Tests.Infrastructure;
using Framework.Tests.Shared;

namespace Framework.EndToEnd.Tests.Service;

/// <summary>
/// <c>framework run</c> under a service manager: the test plays systemd's part, binding the datagram
/// socket NOTIFY_SOCKET names and reading what the host sends (sd_notify's protocol).
/// </summary>
public sealed class SystemdNotifyTests : IDisposable
{
    private readonly PluginSandbox _sandbox = new();
    private readonly string _socketPath = Path.Combine(Path.GetTempPath(), $"framework-notify-{Guid.NewGuid():N}.sock");

    public void Dispose()
    {
        _sandbox.Dispose();
        File.Delete(_socketPath);
    }

    [Fact]
    public async Task READY_arrives_only_after_every_plugin_started_and_STOPPING_on_SIGTERM()
    {
        _sandbox.Add("sample");
        _sandbox.Add("misbehaving");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(_socketPath));
        var marker = Path.Combine(_sandbox.MarkerDirectory, "misbehaving.started");

        using var process = FrameworkProcess.Start(
            ["--no-bundled-plugins", "--plugins-dir", _sandbox.Root, "--set", "Plugins:misbehaving:Fault=start-slow", "run"],
            new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = _socketPath, ["FRAMEWORK_TEST_MARKER_DIR"] = _sandbox.MarkerDirectory });
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();

        var ready = await ReceiveAsync(socket, TimeSpan.FromSeconds(60), process, stderr);
        var startedBeforeReady = File.Exists(marker);
        Assert.Contains("READY=1", ready.Split('\n'));
        Assert.True(startedBeforeReady, "READY=1 was sent before the slow plugin's hosted service had started.");

        await FrameworkProcess.TerminateAsync(process, TimeSpan.FromSeconds(30));
        var stopping = await ReceiveAsync(socket, TimeSpan.FromSeconds(10), process, stderr);

        Assert.Contains("STOPPING=1", stopping.Split('\n'));
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}\n{await stdout}\n{await stderr}");
        Assert.Contains("misbehaving", await stdout, StringComparison.Ordinal);
    }

    private static async Task<string> ReceiveAsync(Socket socket, TimeSpan timeout, System.Diagnostics.Process process, Task<string> stderr)
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            var received = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            return Encoding.UTF8.GetString(buffer, 0, received);
        }
        catch (OperationCanceledException)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            throw new TimeoutException($"no notification within {timeout}; the host printed:\n{await stderr}");
        }
    }
}
