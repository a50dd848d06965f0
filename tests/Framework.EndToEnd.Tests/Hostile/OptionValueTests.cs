namespace Framework.EndToEnd.Tests.Hostile;

/// <summary>Negative, zero, huge and non-numeric counts, durations, repeats and sizes are usage
/// errors (exit 2) naming the option and the range, unless 0 means something documented
/// (<c>--duration 0</c>: until stopped; <c>--timeout 0</c>: only what is queued).</summary>
public sealed class OptionValueTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    public static TheoryData<string, string> BadValues()
    {
        var data = new TheoryData<string, string>();
        var commands = new (string Command, string Option, bool ZeroAllowed)[]
        {
            ("bpf run {program}", "--repeat", false),
            ("bpf map create /framework-hostile", "--max-entries", false),
            ("bpf map create /framework-hostile", "--key-size", false),
            ("vector send transport=unix,src=@framework-opt-a,dst=@framework-opt-b", "--count", false),
            ("vector send transport=unix,src=@framework-opt-a,dst=@framework-opt-b", "--size", false),
            ("vector recv transport=unix,src=@framework-opt-c,dst=@framework-opt-d", "--count", false),
            ("vector recv transport=unix,src=@framework-opt-c,dst=@framework-opt-d", "--timeout", true),
            ("vector bridge transport=unix,src=@framework-opt-e,dst=@framework-opt-f transport=unix,src=@framework-opt-g,dst=@framework-opt-h", "--duration", true),
            ("hwbp watch --pid 1 --addr 0x1000", "--count", false),
            ("hwbp watch --pid 1 --addr 0x1000", "--duration", true),
            ("user-events emit framework_hostile", "--count", false),
            ("user-events listen", "--count", false),
            ("user-events listen", "--duration", true),
        };
        foreach (var (command, option, zeroAllowed) in commands)
        {
            foreach (var value in zeroAllowed ? new[] { "-1", "99999999999999999999", "ten" } : new[] { "-1", "0", "99999999999999999999", "ten" })
            {
                data.Add($"{command} {option} {value}", option);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task A_bad_count_duration_or_size_is_a_usage_error_naming_the_option(string command, string option)
    {
        var result = await Scratch.Run(command.Replace("{program}", _scratch.Program, StringComparison.Ordinal).Split(' '));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(option, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }
}
