using System.Globalization;

namespace Framework.Benchmarks;

/// <summary>A process's resident memory, as /proc/&lt;pid&gt;/status reports it.</summary>
internal static class ProcessMemory
{
    /// <summary>VmRSS of process <paramref name="pid"/>, in kB.</summary>
    public static long VmRssKilobytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
