namespace Framework.KernelLab;

/// <summary>One boot of the lab: a shell script run as root in the guest, and what the guest gets.</summary>
public sealed class LabRun
{
    /// <summary>A POSIX sh script, run by the host's /bin/sh in the guest with /lab (the result folder,
    /// shared read-write with the host) as its working directory. Its exit code is the run's.</summary>
    public required string Script { get; init; }

    /// <summary>How long the guest may take from boot to power-off before it is killed and the run
    /// fails with its console tail. Waiting for another test's lab does not count.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Files to put into /lab before boot, by relative path.</summary>
    public IDictionary<string, string> Files { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Extra environment variables of the script.</summary>
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Extra qemu-system-x86_64 arguments (for example a -netdev and its -device).</summary>
    public IList<string> QemuArguments { get; } = [];

    /// <summary>Virtual CPUs of the guest (2 by default, as many as this kind of machine has).</summary>
    public int Cpus { get; init; } = 2;

    /// <summary>Guest memory in MiB. The tmpfs overlay that holds everything the guest writes lives in it.</summary>
    public int MemoryMiB { get; init; } = 2048;
}
