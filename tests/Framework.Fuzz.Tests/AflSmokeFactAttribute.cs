namespace Framework.Fuzz.Tests;

/// <summary>A fact that needs afl-fuzz (Debian package afl++); skipped, saying so, without it.</summary>
public sealed class AflSmokeFactAttribute : FactAttribute
{
    public AflSmokeFactAttribute()
    {
        var paths = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries);
        if (!paths.Any(p => File.Exists(Path.Combine(p, "afl-fuzz"))))
        {
            Skip = "afl-fuzz is not installed (Debian package afl++)";
        }
        else if (Environment.GetEnvironmentVariable("FRAMEWORK_FUZZ_SMOKE") == "0")
        {
            // On by default wherever afl++ is installed (CI installs it); a developer may turn it off.
            Skip = "the afl-fuzz smoke run is turned off by FRAMEWORK_FUZZ_SMOKE=0";
        }
    }
}
