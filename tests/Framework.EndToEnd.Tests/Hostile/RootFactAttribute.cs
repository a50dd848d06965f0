namespace Framework.EndToEnd.Tests.Hostile;

/// <summary>A fact that needs root (to mount a small tmpfs or make device nodes); skipped otherwise, saying so.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (Environment.UserName != "root" && !string.Equals(Environment.GetEnvironmentVariable("USER"), "root", StringComparison.Ordinal) && GetEuid() != 0)
        {
            Skip = "needs root (to mount a tmpfs or make a device node); run the tests as root";
        }
    }

    private static uint GetEuid()
    {
        // /proc/self/status: "Uid:\treal\teffective\t..."
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                return uint.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return uint.MaxValue;
    }
}
