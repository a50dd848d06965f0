using System.Globalization;

namespace Framework.Plugins.HwbpX86.Ptrace;

/// <summary>The parts of a task's credentials (the kernel's <c>struct cred</c>) that decide whether
/// it may be traced, as /proc/PID/status shows them: the Uid and Gid lines (real, effective, saved,
/// file system) and the permitted and effective capability sets.</summary>
/// <param name="Uids">Real, effective, saved and file-system uid.</param>
/// <param name="Gids">Real, effective, saved and file-system gid.</param>
/// <param name="PermittedCapabilities">CapPrm.</param>
/// <param name="EffectiveCapabilities">CapEff.</param>
public sealed record ProcessCredentials(IReadOnlyList<uint> Uids, IReadOnlyList<uint> Gids, ulong PermittedCapabilities, ulong EffectiveCapabilities)
{
    /// <summary>The real uid (the one ptrace compares, PTRACE_MODE_REALCREDS).</summary>
    public uint Uid => Uids[0];

    /// <summary>The real gid.</summary>
    public uint Gid => Gids[0];

    /// <summary>Whether the effective set holds capability <paramref name="bit"/>.</summary>
    public bool HasEffective(int bit) => ((EffectiveCapabilities >> bit) & 1) != 0;

    /// <summary>Reads the credentials from the text of a /proc/PID/status file; null when a line is
    /// missing or malformed (the file of a process that exited while it was read).</summary>
    public static ProcessCredentials? FromStatus(string status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var uids = Ids(Field(status, "Uid:"));
        var gids = Ids(Field(status, "Gid:"));
        return uids is { Count: 4 } && gids is { Count: 4 }
            && Mask(Field(status, "CapPrm:")) is { } permitted && Mask(Field(status, "CapEff:")) is { } effective
            ? new ProcessCredentials(uids, gids, permitted, effective)
            : null;
    }

    /// <summary>The value of one "Name:\tvalue" line of a /proc status file, or null.</summary>
    internal static string? Field(string status, string name)
    {
        foreach (var line in status.Split('\n'))
        {
            if (line.StartsWith(name, StringComparison.Ordinal))
            {
                return line[name.Length..].Trim();
            }
        }

        return null;
    }

    private static List<uint>? Ids(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var ids = new List<uint>();
        foreach (var part in text.Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!uint.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return null;
            }

            ids.Add(id);
        }

        return ids;
    }

    private static ulong? Mask(string? text) =>
        text is not null && ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var mask) ? mask : null;
}
