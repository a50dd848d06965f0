using System.Diagnostics;

namespace Framework.Plugins.BpfRuntime.Tests;

/// <summary>Finds clang and builds BPF objects from C source for ELF loader tests.</summary>
internal static class Clang
{
    public static readonly string? Path = Find();

    public static byte[] CompileBpf(string source)
    {
        var dir = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bpf-clang-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var c = System.IO.Path.Combine(dir, "prog.c");
            var o = System.IO.Path.Combine(dir, "prog.o");
            File.WriteAllText(c, source);
            using var process = Process.Start(new ProcessStartInfo(Path!, ["-g", "-O2", "-target", "bpf", "-c", c, "-o", o]) { RedirectStandardError = true })!;
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, errors);
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
