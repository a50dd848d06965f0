using System.Diagnostics;
using System.Net.Sockets;
using Framework.Host.Isolation.Protocol;

namespace Framework.Host.Isolation.Parent;

/// <summary>
/// One running plugin-host child: its process and its connection. The host listens on a socket in a
/// private folder (mode 0700), starts <c>framework plugin-host &lt;folder&gt; &lt;socket&gt;</c>, accepts
/// the one connection and does the handshake, all within the given timeout. When the process exits,
/// the connection ends with the exit code or signal, so that waiting requests fail with it.
/// </summary>
internal sealed class PluginHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Text.StringBuilder _errorTail = new();

    private PluginHostProcess(Process process, string folder, PluginHostConnection connection, HelloMessage hello)
    {
        _process = process;
        _folder = folder;
        Connection = connection;
        Hello = hello;
    }

    public PluginHostConnection Connection { get; }

    public HelloMessage Hello { get; }

    public int ProcessId => _process.Id;

    /// <summary>The private folder (mode 0700) holding the socket; removed when the child is disposed.</summary>
    public string SocketFolder => _folder;

    /// <summary>Completes with the exit code when the child ends.</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>The last lines the child wrote to its standard error.</summary>
    public string ErrorTail
    {
        get
        {
            lock (_errorTail)
            {
                return _errorTail.ToString();
            }
        }
    }

    // How long a closed connection waits for the child's exit, to report how it ended.
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(2);

    /// <summary>Starts the child for the plugin in <paramref name="pluginFolder"/>.</summary>
    /// <param name="pluginFolder">The plugin folder (with plugin.json).</param>
    /// <param name="timeout">For start, connection and handshake together.</param>
    /// <param name="environment">Extra environment for the child.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="welcome">The plugin's configuration, sent in the Welcome; none when null.</param>
    /// <param name="telemetry">Replays the child's telemetry; dropped when null.</param>
    /// <param name="executable">The framework executable to start; this process's own when null.</param>
    /// <param name="capabilities">Answers the child's own requests (capabilities); refused when null.</param>
    /// <exception cref="PluginHostUnavailableException">The child exited, did not connect in time, or failed the handshake.</exception>
    public static async Task<PluginHostProcess> StartAsync(string pluginFolder, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken, WelcomeMessage? welcome = null, Action<ReadOnlyMemory<byte>>? telemetry = null, PluginHostExecutable? executable = null, Capabilities.CapabilityServer? capabilities = null)
    {
        // Created with mode 0700 on Unix: only this user can reach the socket.
        var folder = Directory.CreateTempSubdirectory("framework-plugin-host-").FullName;
        var socketPath = Path.Combine(folder, "s");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        listener.Listen(1);

        var start = (executable ?? PluginHostExecutable.Self()).StartInfo(pluginFolder, socketPath);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var tail = new System.Text.StringBuilder();
        var exited = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult(process.ExitCode);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (tail)
            {
                tail.AppendLine(e.Data);
                if (tail.Length > 8192)
                {
                    tail.Remove(0, tail.Length - 8192);
                }
            }
        };
        process.Start();
        process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        PluginHostConnection? connection = null;
        try
        {
            var accept = listener.AcceptAsync(deadline.Token).AsTask();
            var first = await Task.WhenAny(accept, exited.Task);
            if (first != accept)
            {
                await process.WaitForExitAsync(CancellationToken.None);
                throw new PluginHostUnavailableException($"the plugin-host child {ChildExit.Describe(await exited.Task)} before connecting: {Last(tail)}");
            }

            connection = new PluginHostConnection(new NetworkStream(await accept, ownsSocket: true), async closed =>
                await Task.WhenAny(exited.Task, Task.Delay(ExitGrace, CancellationToken.None)) == exited.Task
                    ? Died(process.Id, await exited.Task)
                    : closed);
            connection.Telemetry = telemetry;
            connection.Capabilities = capabilities;
            var hello = await connection.HandshakeAsync(welcome ?? new WelcomeMessage(new Dictionary<string, string>()), deadline.Token);
            var child = new PluginHostProcess(process, folder, connection, hello);
            lock (tail)
            {
                child._errorTail.Append(tail);
            }

            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (child._errorTail)
                    {
                        child._errorTail.AppendLine(e.Data);
                    }
                }
            };
            _ = exited.Task.ContinueWith(
                t =>
                {
                    connection.End(Died(child.ProcessId, t.Result));
                    child._exited.TrySetResult(t.Result);
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
            return child;
        }
        catch (Exception e) when (e is OperationCanceledException or ProtocolException or SocketException or IOException)
        {
            Kill(process);
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            Directory.Delete(folder, recursive: true);
            var why = e switch
            {
                ProtocolException => $"refused the plugin-host child: {e.Message}",
                OperationCanceledException when !cancellationToken.IsCancellationRequested => $"the plugin-host child did not connect and say Hello within {timeout.TotalSeconds:0.###} s.",
                _ => $"the plugin-host child could not be reached: {e.Message}",
            };
            throw new PluginHostUnavailableException(why, e);
        }
        catch (PluginHostUnavailableException)
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Stops the child cleanly: asks it to stop its plugin's services (the child exits after
    /// replying) and waits for it to exit. A child that does not answer or exit within
    /// <paramref name="timeout"/> is killed. Safe to call on a child that is already gone.
    /// </summary>
    /// <returns>The exit code, and what went wrong (the plugin's stop failed, or the child had to be
    /// killed), or null when it stopped cleanly.</returns>
    public async Task<(int ExitCode, string? Problem)> StopAsync(TimeSpan timeout)
    {
        string? problem = null;
        using var deadline = new CancellationTokenSource(timeout);
        if (Connection.EndedBecause is null)
        {
            try
            {
                var reply = await Connection.SendAsync(new PluginRequest(PluginRequest.Operations.Stop), deadline.Token);
                problem = reply.ExitCode == 0 ? null : reply.Error;
            }
            catch (OperationCanceledException)
            {
                // Killed below: it did not answer in time.
            }
            catch (PluginHostUnavailableException e)
            {
                problem = e.Message;
            }
        }

        try
        {
            return (await Exited.WaitAsync(deadline.Token), problem);
        }
        catch (OperationCanceledException)
        {
            var reason = $"the plugin-host child (pid {ProcessId}) did not stop within {timeout.TotalSeconds:0.###} s and was killed.";
            Kill(reason);
            return (await Exited, problem is null ? reason : $"{problem} {reason}");
        }
    }

    /// <summary>Kills the child (SIGKILL) and ends the connection with <paramref name="reason"/>.</summary>
    public void Kill(string reason)
    {
        Connection.End(reason);
        Kill(_process);
    }

    public async ValueTask DisposeAsync()
    {
        Kill(_process);
        await _process.WaitForExitAsync(CancellationToken.None);
        await Connection.DisposeAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The socket folder is in the temporary folder; a leftover does no harm.
        }
    }

    private static string Died(int processId, int exitCode) =>
        $"the plugin-host child (pid {processId}) {ChildExit.Describe(exitCode)}.";

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static string Last(System.Text.StringBuilder tail)
    {
        lock (tail)
        {
            return tail.ToString().Trim() is { Length: > 0 } text ? text : "(nothing on standard error)";
        }
    }
}
