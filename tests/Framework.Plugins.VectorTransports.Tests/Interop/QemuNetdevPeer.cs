using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Framework.Plugins.VectorTransports.Tests.Namespaces;

namespace Framework.Plugins.VectorTransports.Tests.Interop;

/// <summary>
/// QEMU with no guest (<c>-machine none</c>) whose netdevs are joined by an emulated hub: an
/// implementation of L2TPv3 and unix datagram sockets that nobody here wrote. Owns a fresh directory for
/// socket files, starts QEMU (optionally inside a network namespace), waits until its monitor (QMP)
/// says the machine runs, keeps its stderr for failure messages, and kills it and removes the directory
/// on dispose.
/// </summary>
internal sealed class QemuNetdevPeer : IDisposable
{
    public const string Executable = "qemu-system-x86_64";

    private readonly StringBuilder _stderr = new();
    private Process? _process;
    private string? _netns;
    private string[] _netdevs = [];

    public QemuNetdevPeer()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("fw-vt-qemu-").FullName;
    }

    /// <summary>Where the socket files go; removed on dispose.</summary>
    public string Directory { get; }

    /// <summary>Why QEMU cannot be used here, or null.</summary>
    public static string? Missing() =>
        Host.Find(Executable) is null ? $"needs {Executable} (apt-get install qemu-system-x86)" : null;

    /// <summary>A socket path in <see cref="Directory"/>.</summary>
    public string SocketPath(string name) => Path.Combine(Directory, name);

    private string MonitorPath => SocketPath("qmp.sock");

    /// <summary>What QEMU printed on stderr so far.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>
    /// Starts QEMU with <paramref name="netdevs"/> (netdev options without <c>id=</c>, such as
    /// <c>l2tpv3,src=...</c>) all on hub 0, and returns once the machine runs.
    /// </summary>
    public void Start(string? netns, params string[] netdevs)
    {
        _netns = netns;
        _netdevs = netdevs;
        StartProcess();
    }

    /// <summary>Kills QEMU and starts it again with the same netdevs (its counters start again at 1).</summary>
    public void Restart()
    {
        Kill();
        foreach (var path in LocalSocketFiles().Append(MonitorPath))
        {
            File.Delete(path);
        }

        StartProcess();
    }

    /// <summary>Waits up to <paramref name="milliseconds"/> for <paramref name="text"/> on QEMU's stderr.</summary>
    public bool WaitForStderr(string text, int milliseconds = 3000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(milliseconds);
        while (!Stderr.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            Thread.Sleep(10);
        }

        return true;
    }

    public void Dispose()
    {
        Kill();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the name is unique, a leftover harms nobody.
        }
    }

    public override string ToString() => $"{Executable} {string.Join(' ', Arguments())}";

    /// <summary>For failure messages: whether QEMU runs, and its IP sockets as /proc shows them (queues, drops).</summary>
    public string DescribeSockets()
    {
        if (_process is not { } process || process.HasExited)
        {
            return "QEMU is not running";
        }

        try
        {
            var inodes = System.IO.Directory.GetFiles($"/proc/{process.Id}/fd")
                .Select(f => new FileInfo(f).LinkTarget)
                .Where(t => t is not null && t.StartsWith("socket:[", StringComparison.Ordinal))
                .Select(t => t![8..^1])
                .ToHashSet(StringComparer.Ordinal);
            var lines = new[] { "udp", "udp6", "raw", "raw6" }
                .SelectMany(table => File.ReadLines($"/proc/{process.Id}/net/{table}").Skip(1).Select(l => (table, l)))
                .Where(x => x.l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: > 9 } f && inodes.Contains(f[9]))
                .Select(x => $"{x.table}: {x.l.Trim()}");
            return $"QEMU sockets: {string.Join(" | ", lines)}";
        }
        catch (IOException e)
        {
            return $"QEMU sockets: {e.Message}";
        }
    }

    private void StartProcess()
    {
        lock (_stderr)
        {
            _stderr.Clear();
        }

        var start = new ProcessStartInfo(_netns is null ? Host.Find(Executable)! : Host.Find("ip")!)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (_netns is not null)
        {
            // ip netns exec execs QEMU in place: the process id stays QEMU's, so Kill reaches it.
            foreach (var word in new[] { "netns", "exec", _netns, Host.Find(Executable)! })
            {
                start.ArgumentList.Add(word);
            }
        }

        foreach (var argument in Arguments())
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {this}");
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        _process = process;
        WaitUntilRunning(process);
    }

    private IEnumerable<string> Arguments()
    {
        yield return "-machine";
        yield return "none";
        yield return "-nodefaults";
        yield return "-display";
        yield return "none";
        yield return "-qmp";
        yield return $"unix:{MonitorPath},server=on,wait=off";
        for (var i = 0; i < _netdevs.Length; i++)
        {
            yield return "-netdev";
            yield return $"{_netdevs[i]},id=n{i}";
        }

        for (var i = 0; i < _netdevs.Length; i++)
        {
            yield return "-netdev";
            yield return $"hubport,id=h{i},hubid=0,netdev=n{i}";
        }
    }

    /// <summary>
    /// Waits until QEMU's monitor says the machine runs. A socket being bound is not enough: until the
    /// machine runs QEMU holds back what its netdevs receive, and under load frames that arrived in that
    /// window were seen to be lost. Once QMP answers, the main loop runs and every netdev exists.
    /// </summary>
    private void WaitUntilRunning(Process process)
    {
        // A monitor session that stalls (seen once in a few hundred starts under load) is dropped and
        // opened again rather than waited on: short reads, many attempts, one overall deadline.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        string? last = null;
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                process.WaitForExit();
                throw new InvalidOperationException($"{this} exited with {process.ExitCode}: {Stderr}");
            }

            if (File.Exists(MonitorPath))
            {
                try
                {
                    using var monitor = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    monitor.Connect(new UnixDomainSocketEndPoint(MonitorPath));
                    using var stream = new NetworkStream(monitor, ownsSocket: false) { ReadTimeout = 2_000 };
                    using var reader = new StreamReader(stream, Encoding.UTF8);
                    using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
                    ReadReply(reader, "QMP");
                    writer.WriteLine("{\"execute\":\"qmp_capabilities\"}");
                    ReadReply(reader, "return");
                    while (DateTime.UtcNow < deadline)
                    {
                        writer.WriteLine("{\"execute\":\"query-status\"}");
                        using var status = ReadReply(reader, "return");
                        last = status.RootElement.GetRawText();
                        if (status.RootElement.GetProperty("return").GetProperty("running").GetBoolean())
                        {
                            return;
                        }

                        Thread.Sleep(5);
                    }
                }
                catch (Exception e) when (e is SocketException or IOException)
                {
                    last = e.Message;
                }
            }

            Thread.Sleep(5);
        }

        throw new TimeoutException($"{this} was not running in 30 s ({last}): {Stderr}");
    }

    /// <summary>The next QMP message that has <paramref name="member"/> (events in between are skipped).</summary>
    private static JsonDocument ReadReply(StreamReader reader, string member)
    {
        while (true)
        {
            var line = reader.ReadLine() ?? throw new IOException("QEMU closed its monitor");
            var message = JsonDocument.Parse(line);
            if (message.RootElement.TryGetProperty(member, out _))
            {
                return message;
            }

            if (message.RootElement.TryGetProperty("error", out var error))
            {
                message.Dispose();
                throw new IOException($"QMP error: {error.GetRawText()}");
            }

            message.Dispose();
        }
    }

    /// <summary>The files QEMU's dgram netdevs bind (<c>local.path</c>); a restart needs them gone.</summary>
    private IEnumerable<string> LocalSocketFiles() =>
        _netdevs.Where(n => n.StartsWith("dgram,", StringComparison.Ordinal))
            .Select(n => n.Split(',').Select(o => o.Split('=', 2)).FirstOrDefault(kv => kv.Length == 2 && kv[0] == "local.path")?[1])
            .OfType<string>();

    private void Kill()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
        finally
        {
            process.Dispose();
        }
    }
}
