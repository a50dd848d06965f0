namespace Framework.KernelLab;

/// <summary>Finds qemu-system-x86_64 on PATH.</summary>
internal static class Qemu
{
    public const string Executable = "qemu-system-x86_64";

    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, Executable))
            .FirstOrDefault(File.Exists);
}
