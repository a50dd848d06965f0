using System.Diagnostics;

namespace Framework.Plugins.VectorTransports.Tests.Namespaces;

/// <summary>A tshark capture on an interface inside a namespace; <see cref="Decode"/> reads fields back with tshark.</summary>
internal sealed class Capture : IDisposable
{
    private readonly Process _process;
    private readonly string _file;
    private readonly System.Text.StringBuilder _stderr = new();

    private Capture(Process process, string file)
    {
        _process = process;
        _file = file;
    }

    /// <summary>Starts capturing and waits until tshark says it is capturing.</summary>
    public static Capture Start(string ns, string iface, string filter, int count)
    {
        var file = Path.Combine(Path.GetTempPath(), $"fwvt-{Guid.NewGuid():n}.pcap");
        var process = Process.Start(new ProcessStartInfo(Host.Find("ip")!, $"netns exec {ns} {Host.Find("tshark")} -q -i {iface} -f \"{filter}\" -c {count} -a duration:30 -F pcap -w {file}")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        var capture = new Capture(process, file);
        var ready = new ManualResetEventSlim();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.Set();
                return;
            }

            lock (capture._stderr)
            {
                capture._stderr.AppendLine(e.Data);
            }

            if (e.Data.Contains("Capturing on", StringComparison.Ordinal))
            {
                ready.Set();
            }
        };
        process.BeginErrorReadLine();
        if (!ready.Wait(TimeSpan.FromSeconds(20)))
        {
            capture.Dispose();
            throw new TimeoutException("tshark did not start capturing");
        }

        Thread.Sleep(200);
        return capture;
    }

    /// <summary>Waits for the capture to end (count reached) and decodes the given fields, one row per packet.</summary>
    public List<string[]> Decode(string fields, string options = "")
    {
        if (!_process.WaitForExit(30_000))
        {
            _process.Kill(entireProcessTree: true);
        }

        return Tshark.Fields(_file, fields, options: options, context: () => $"capture: {_stderr}");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        File.Delete(_file);
    }
}
