using System.Globalization;
using System.Text;
using Framework.Abstractions.Native;
using Framework.Host.Discovery;
using Framework.Host.Native;

namespace Framework.Host.Isolation.Child;

/// <summary>
/// Confines the plugin-host child to exactly the declared capabilities. Linux keeps capabilities per
/// thread and the .NET runtime has started threads before Main, so the main thread confines itself
/// (inheritable and ambient sets to the declared set, every other capability out of the bounding
/// set, no_new_privs) and re-executes the process: the new image's threads all descend from it, and
/// the kernel computes its permitted and effective sets from those (for root: the bounding set; for
/// another user: the ambient set). After the re-exec the sets are read back and checked.
/// </summary>
internal static class CapabilityConfinement
{
    /// <summary>Set in the re-executed child, so that it checks instead of confining again.</summary>
    public const string StageVariable = "FRAMEWORK_PLUGIN_HOST_CONFINED";

    /// <summary>The stage value when the bounding set was reduced to the declared set.</summary>
    public const string BoundingDropped = "bounding";

    /// <summary>The stage value when the host lacked CAP_SETPCAP to reduce the bounding set.</summary>
    public const string BoundingKept = "no-bounding";

    /// <summary>The capability mask of <paramref name="names"/>.</summary>
    /// <exception cref="CapabilityException">A name is not a capability.</exception>
    public static ulong MaskOf(IEnumerable<string> names)
    {
        ulong mask = 0;
        foreach (var name in names)
        {
            var bit = LinuxCapability.BitOf(name);
            if (bit < 0)
            {
                throw new CapabilityException($"'{name}' is not a Linux capability.");
            }

            mask |= 1UL << bit;
        }

        return mask;
    }

    /// <summary>The names of the bits in <paramref name="mask"/>.</summary>
    public static string Names(ulong mask)
    {
        var names = Enumerable.Range(0, 64).Where(b => (mask & (1UL << b)) != 0)
            .Select(LinuxCapability.NameOf);
        return string.Join(' ', names) is { Length: > 0 } text ? text : "none";
    }

    /// <summary>Confines the calling (main) thread to <paramref name="declared"/> and re-executes
    /// the process with the same arguments; returns only by throwing.</summary>
    /// <exception cref="CapabilityException">The process lacks a declared capability, or a call failed.</exception>
    public static void ConfineAndReexecute(ulong declared)
    {
        var (_, permitted, _) = CapabilitySyscalls.Get();
        if ((declared & ~permitted) is var missing and not 0)
        {
            throw new CapabilityException($"the plugin declares {Names(missing)}, which the host process does not hold (it holds {Names(permitted)}).");
        }

        // What the host must hold is the permitted set, not the effective one: a host that keeps
        // the capabilities only permitted (it never uses them itself) still hands them on, because
        // this thread raises them here before confining (raising effective within permitted is allowed).
        var effective = permitted;
        CapabilitySyscalls.Set(effective, permitted, declared);
        var setpcap = LinuxCapability.BitOf("CAP_SETPCAP");
        var canDrop = (effective & (1UL << setpcap)) != 0;
        for (var bit = LinuxCapabilities.LastCapability(); bit >= 0; bit--)
        {
            // CAP_SETPCAP goes last: dropping the others needs it.
            if ((declared & (1UL << bit)) == 0 && bit != setpcap && canDrop)
            {
                CapabilitySyscalls.DropFromBoundingSet(bit);
            }
        }

        if (canDrop && (declared & (1UL << setpcap)) == 0)
        {
            CapabilitySyscalls.DropFromBoundingSet(setpcap);
        }

        CapabilitySyscalls.ClearAmbient();
        for (var bit = 0; bit < 64; bit++)
        {
            if ((declared & (1UL << bit)) != 0)
            {
                CapabilitySyscalls.RaiseAmbient(bit);
            }
        }

        CapabilitySyscalls.SetNoNewPrivileges();

        var argv = File.ReadAllBytes("/proc/self/cmdline").AsSpan().TrimEnd((byte)0).ToArray()
            .Split(0).ToList();
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(e => (string)e.Key != StageVariable)
            .Select(e => $"{e.Key}={e.Value}")
            .Append($"{StageVariable}={(canDrop ? BoundingDropped : BoundingKept)}")
            .ToList();
        ProcessSyscalls.Exec("/proc/self/exe", argv, environment);
    }

    /// <summary>The capability lines of every thread's status; a thread whose sets differ from the
    /// process's is named in the returned problem.</summary>
    /// <param name="declared">The declared mask.</param>
    /// <param name="boundingDropped">Whether the bounding set was reduced too (the host held CAP_SETPCAP);
    /// without it, no_new_privs is what keeps the child from regaining the rest.</param>
    public static (IReadOnlyDictionary<string, string> Sets, string? Problem) Verify(ulong declared, bool boundingDropped)
    {
        var sets = ReadSets("/proc/self/status");
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            var other = ReadSets(Path.Combine(task, "status"));
            if (other.TryGetValue("CapEff", out var eff) && eff != sets.GetValueOrDefault("CapEff"))
            {
                return (sets, $"thread {Path.GetFileName(task)} holds CapEff {eff}, the process {sets.GetValueOrDefault("CapEff")}.");
            }
        }

        foreach (var name in new[] { "CapEff", "CapPrm", "CapBnd" })
        {
            if (sets.TryGetValue(name, out var text) && ulong.TryParse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var mask)
                && mask != declared && (name != "CapBnd" || boundingDropped))
            {
                return (sets, $"{name} is {Names(mask)} after confinement; the plugin declares {Names(declared)}.");
            }
        }

        return (sets, null);
    }

    private static Dictionary<string, string> ReadSets(string path)
    {
        var sets = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if ((line.StartsWith("Cap", StringComparison.Ordinal) || line.StartsWith("NoNewPrivs:", StringComparison.Ordinal)) && line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
                {
                    sets[line[..colon]] = line[(colon + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
            // A thread that ended while we listed them.
        }

        return sets;
    }

    private static IEnumerable<string> Split(this byte[] bytes, byte separator)
    {
        var start = 0;
        for (var i = 0; i <= bytes.Length; i++)
        {
            if (i == bytes.Length || bytes[i] == separator)
            {
                yield return Encoding.UTF8.GetString(bytes, start, i - start);
                start = i + 1;
            }
        }
    }
}
