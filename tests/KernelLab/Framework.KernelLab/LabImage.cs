using System.Diagnostics;

namespace Framework.KernelLab;

/// <summary>The lab's kernel and initramfs as tests/KernelLab/build.sh cached them, or why there are
/// none. Found once per process by asking the script (it owns the cache key), never built here: a
/// test run must not start a ten-minute kernel build on its own.</summary>
public sealed class LabImage
{
    private static readonly Lazy<LabImage> Current = new(Find);

    private LabImage(string? kernel, string? initramfs, string? kernelVersion, string? configHash, string? missing)
    {
        Kernel = kernel;
        Initramfs = initramfs;
        KernelVersion = kernelVersion;
        ConfigHash = configHash;
        Missing = missing;
    }

    /// <summary>The bzImage, or null when <see cref="Missing"/> says why not.</summary>
    public string? Kernel { get; }

    /// <summary>The gzip'd newc initramfs, or null.</summary>
    public string? Initramfs { get; }

    /// <summary>The kernel release (for example 6.12.118).</summary>
    public string? KernelVersion { get; }

    /// <summary>The hash of the config fragment the kernel was built from.</summary>
    public string? ConfigHash { get; }

    /// <summary>What is missing for the lab to run (a tool, a package, an unbuilt kernel), or null.</summary>
    public string? Missing { get; }

    /// <summary>The lab as it is on this machine, found once.</summary>
    public static LabImage Get() => Current.Value;

    private static LabImage Find()
    {
        var qemu = Qemu.Find();
        if (qemu is null)
        {
            return new LabImage(null, null, null, null, "the kernel lab needs qemu-system-x86_64 (apt-get install qemu-system-x86)");
        }

        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(LabPaths.BuildScript);
        info.ArgumentList.Add("--print");
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            var reason = stderr.Trim();
            return new LabImage(null, null, null, null, reason.Length > 0 ? reason : $"{LabPaths.BuildScript} --print exited {process.ExitCode}");
        }

        var values = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(parts => parts.Length == 2)
            .ToDictionary(parts => parts[0], parts => parts[1]);
        return new LabImage(values.GetValueOrDefault("kernel"), values.GetValueOrDefault("initramfs"),
            values.GetValueOrDefault("kernel-version"), values.GetValueOrDefault("config-hash"), null);
    }
}
