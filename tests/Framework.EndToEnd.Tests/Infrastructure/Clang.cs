using System.Diagnostics;

namespace Framework.EndToEnd.Tests.Infrastructure;

/// <summary>Compiles eBPF objects with the system's clang, a compiler nobody here wrote.</summary>
public static class Clang
{
    private static readonly Lazy<bool> Available = new(() =>
        Environment.GetEnvironmentVariable("PATH")?.Split(':').Any(dir => File.Exists(Path.Combine(dir, "clang"))) == true);

    /// <summary>Whether clang is on the PATH.</summary>
    public static bool IsAvailable => Available.Value;

    /// <summary>Compiles C source with <c>clang -O2 -target bpf -c</c> into <paramref name="objectPath"/>.</summary>
    public static void CompileBpf(string source, string objectPath)
    {
        var sourcePath = Path.ChangeExtension(objectPath, ".c");
        File.WriteAllText(sourcePath, source);
        using var clang = Process.Start(new ProcessStartInfo("clang", ["-O2", "-target", "bpf", "-c", sourcePath, "-o", objectPath])
        {
            RedirectStandardError = true,
        })!;
        var errors = clang.StandardError.ReadToEnd();
        clang.WaitForExit();
        if (clang.ExitCode != 0)
        {
            throw new InvalidOperationException($"clang failed on {sourcePath}: {errors}");
        }
    }
}
