using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace Framework.Plugins.Elf2Dmp.Tests.Guest;

/// <summary>
/// Builds the synthetic kernel (kernel.c) into a PE image and its PDB with clang and lld-link, cached
/// outside the repository under a folder named after the hash of the source and the command lines.
/// </summary>
public static class KernelImageBuilder
{
    private const string CompileArgs = "--target=x86_64-pc-windows-msvc -ffreestanding -fno-stack-protector -O1 -c kernel.c -o kernel.obj";
    private const string LinkArgs = "/nologo /entry:KiSystemStartup /subsystem:native /nodefaultlib /debug /pdbaltpath:ntkrnlmp.pdb /pdb:ntkrnlmp.pdb /filealign:0x1000 /opt:noref /out:ntoskrnl.exe kernel.obj";
    private static readonly Lazy<BuiltKernel> Built = new(Build);

    /// <summary>The image and PDB, built once per test run (and cached across runs).</summary>
    public static BuiltKernel Kernel => Built.Value;

    /// <summary>Null when the tools are present, else a skip message naming the package.</summary>
    public static string? MissingTools()
    {
        if (FindOnPath("clang") is null)
        {
            return "needs clang (apt-get install clang)";
        }

        return FindOnPath("lld-link") is null ? "needs lld-link (apt-get install lld)" : null;
    }

    public static string? FindOnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    private static BuiltKernel Build()
    {
        var source = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Guest", "kernel.c"));
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source + CompileArgs + LinkArgs)))[..16];
        var folder = Path.Combine(Path.GetTempPath(), "framework-elf2dmp-kernel", key);
        var image = Path.Combine(folder, "ntoskrnl.exe");
        var pdb = Path.Combine(folder, "ntkrnlmp.pdb");
        if (File.Exists(image) && File.Exists(pdb))
        {
            return new BuiltKernel(image, pdb);
        }

        var work = folder + $".{Environment.ProcessId}.{Guid.NewGuid():N}";
        Directory.CreateDirectory(work);
        File.WriteAllText(Path.Combine(work, "kernel.c"), source);
        Run("clang", CompileArgs, work);
        Run("lld-link", LinkArgs, work);
        try
        {
            Directory.Move(work, folder);
        }
        catch (IOException)
        {
            // Another test process built it first; theirs is identical.
            Directory.Delete(work, recursive: true);
        }

        return new BuiltKernel(image, pdb);
    }

    public static string Run(string tool, string arguments, string workingDirectory)
    {
        var info = new ProcessStartInfo(tool, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {arguments} failed ({process.ExitCode}): {stderr}");
        }

        return stdout.Result;
    }
}
