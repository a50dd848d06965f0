using System.Globalization;
using Framework.Abstractions.Native;

namespace Framework.Plugins.HwbpX86.Native;

/// <summary>What decides a refused perf_event_open or ptrace on this machine, read when the refusal
/// happens: the effective uid, the capabilities that matter, perf_event_paranoid and Yama's
/// ptrace_scope, so that an EACCES or EPERM names the actual cause.</summary>
internal static class PermissionFacts
{
    private static readonly int CapSysPtrace = LinuxCapability.BitOf("CAP_SYS_PTRACE");
    private static readonly int CapSysAdmin = LinuxCapability.BitOf("CAP_SYS_ADMIN");
    private static readonly int CapPerfmon = LinuxCapability.BitOf("CAP_PERFMON");

    /// <summary>One clause, e.g. "here: uid 65534, CAP_PERFMON no, CAP_SYS_PTRACE no, CAP_SYS_ADMIN no, perf_event_paranoid 2, Yama ptrace_scope absent".</summary>
    public static string Describe()
    {
        var effective = LinuxCapability.Effective();
        var uid = StatusField("Uid:") is { } uids ? uids.Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) ?? "?" : "?";
        return string.Create(CultureInfo.InvariantCulture,
            $"here: uid {uid}, CAP_PERFMON {Has(effective, CapPerfmon)}, CAP_SYS_PTRACE {Has(effective, CapSysPtrace)}, CAP_SYS_ADMIN {Has(effective, CapSysAdmin)}, perf_event_paranoid {Read("/proc/sys/kernel/perf_event_paranoid") ?? "unreadable"}, Yama ptrace_scope {Read("/proc/sys/kernel/yama/ptrace_scope") ?? "absent (no Yama)"}");
    }

    private static string Has(ulong? effective, int capability) => effective is { } mask ? ((mask >> capability) & 1) != 0 ? "yes" : "no" : "unknown";

    private static string? StatusField(string name)
    {
        try
        {
            return File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?[name.Length..];
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? Read(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
