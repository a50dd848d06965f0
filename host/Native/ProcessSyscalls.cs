using System.Runtime.InteropServices;

namespace Framework.Host.Native;

/// <summary>execve(2), wrapped once: the plugin-host child re-executes itself after confining its
/// main thread, because capabilities are per thread and the runtime's other threads already exist.</summary>
internal static partial class ProcessSyscalls
{
    /// <summary>Replaces this process image; returns only by throwing.</summary>
    public static void Exec(string path, IReadOnlyList<string> argv, IReadOnlyList<string> environment)
    {
        string?[] arguments = [.. argv, null];
        string?[] variables = [.. environment, null];
        _ = execve(path, arguments, variables);
        throw new CapabilityException($"execve({path})", Marshal.GetLastPInvokeError());
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int execve(string path, string?[] argv, string?[] envp);
}
