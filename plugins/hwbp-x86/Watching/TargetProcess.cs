using System.Globalization;
using Framework.Plugins.HwbpX86.Native;

namespace Framework.Plugins.HwbpX86.Watching;

/// <summary>What /proc says about a process to be watched: whether it exists and its threads.</summary>
public static class TargetProcess
{
    /// <summary>Whether the process exists (and is not a zombie).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length && stat[close + 2] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return true;
        }
    }

    /// <summary>The thread ids of the process; throws <see cref="HwbpException"/> (ESRCH) when there is no such process.</summary>
    public static IReadOnlyList<int> Threads(int pid)
    {
        var directory = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/task";
        try
        {
            var tids = Directory.GetDirectories(directory)
                .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var t) ? t : 0)
                .Where(t => t > 0)
                .Order()
                .ToList();
            return tids.Count > 0 && IsAlive(pid) ? tids : throw NoSuchProcess(pid);
        }
        catch (DirectoryNotFoundException)
        {
            throw NoSuchProcess(pid);
        }
        catch (IOException)
        {
            throw NoSuchProcess(pid);
        }
    }

    private static HwbpException NoSuchProcess(int pid) =>
        new(Errno.ESRCH, string.Create(CultureInfo.InvariantCulture, $"pid {pid}: no such process (it does not exist or has exited)"));
}
