using System.Diagnostics;

namespace Framework.Plugins.VectorTransports.Tests.Namespaces;

/// <summary>Runs host tools (ip, tshark, ping) and reports what the machine lacks.</summary>
internal static class Host
{
    public static bool IsRoot => Environment.UserName == "root" || GetEuid() == 0;

    public static string? Find(string tool) =>
        new[] { "/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/bin" }.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    /// <summary>Why namespace tests cannot run here, or null.</summary>
    public static string? MissingForNamespaces()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "needs Linux network namespaces";
        }

        if (!IsRoot)
        {
            return "needs root (CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN) to create network namespaces";
        }

        if (Find("ip") is null)
        {
            return "needs ip (apt-get install iproute2)";
        }

        return File.Exists("/dev/net/tun") ? null : "needs /dev/net/tun (the tun kernel module)";
    }

    public static (int Exit, string Out, string Error) Run(string file, string arguments, int timeoutMilliseconds = 30_000)
    {
        using var process = Process.Start(new ProcessStartInfo(Find(file) ?? file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutMilliseconds))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish in {timeoutMilliseconds} ms");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    public static string Ip(string arguments)
    {
        var (exit, stdout, stderr) = Run("ip", arguments);
        if (exit != 0)
        {
            throw new InvalidOperationException($"ip {arguments} failed ({exit}): {stderr}");
        }

        return stdout;
    }

    private static uint GetEuid()
    {
        try
        {
            var status = File.ReadAllLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
            return status is null ? uint.MaxValue : uint.Parse(status.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return uint.MaxValue;
        }
    }
}
