using System.Diagnostics;

namespace Framework.Tests.Shared;

/// <summary>Finds the system's clang (a compiler nobody here wrote) and builds eBPF objects from C
/// source with it. Compiled into the test projects that need it (linked source).</summary>
internal static class Clang
{
    /// <summary>clang on the PATH, or null.</summary>
    public static readonly string? Path = Find();

    /// <summary>Compiles <paramref name="source"/> with <c>clang -g -O2 -target bpf -c</c>; returns the object's bytes.</summary>
    public static byte[] CompileBpf(string source)
    {
        var dir = Directory.CreateTempSubdirectory("bpf-clang-").FullName;
        try
        {
            var c = System.IO.Path.Combine(dir, "prog.c");
            var o = System.IO.Path.Combine(dir, "prog.o");
            File.WriteAllText(c, source);
            using var process = Process.Start(new ProcessStartInfo(Path ?? "clang", ["-g", "-O2", "-target", "bpf", "-c", c, "-o", o]) { RedirectStandardError = true })!;
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"clang failed: {errors}");
            return File.ReadAllBytes(o);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string? Find()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = System.IO.Path.Combine(dir, "clang");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
