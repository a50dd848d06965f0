using Framework.EndToEnd.Tests.Infrastructure;

namespace Framework.EndToEnd.Tests.Hostile;

/// <summary>Every file the user names is read under a limit suited to its kind: an endless device
/// or a huge sparse file is refused in a clear line that names it and the limit (exit 1), never an
/// out-of-memory stack trace.</summary>
public sealed class UnboundedReadTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    /// <summary>Every command that takes a file, with {file} where the hostile file goes.</summary>
    public static TheoryData<string> Commands() => new()
    {
        "bpf run {file}",
        "bpf run {program} --data {file}",
        "bpf asm {file} -o /dev/null",
        "bpf disasm {file}",
        "vector send transport=unix,src=@framework-hostile-a,dst=@framework-hostile-b --pcap {file}",
        "vector stats --file {file}",
        "hwbp slots --plan {file}",
        "elf2dmp inspect {file}",
        "elf2dmp convert {file} /dev/null",
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Dev_zero_as_a_file_option_is_refused_or_read_within_a_limit(string command)
    {
        var result = await Scratch.Run(Expand(command, "/dev/zero"));

        AssertCleanFailure(result, "/dev/zero");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_huge_sparse_file_as_a_file_option_is_refused_by_its_size(string command)
    {
        var sparse = _scratch["huge.bin"];
        using (var file = File.Create(sparse))
        {
            file.SetLength(64L << 30);
        }

        var result = await Scratch.Run(Expand(command, sparse));

        AssertCleanFailure(result, "huge.bin");
    }

    private string[] Expand(string command, string file) =>
        command.Split(' ').Select(a => a.Replace("{file}", file, StringComparison.Ordinal).Replace("{program}", _scratch.Program, StringComparison.Ordinal)).ToArray();

    private static void AssertCleanFailure(ProcessResult result, string name)
    {
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("OutOfMemory", result.Error, StringComparison.Ordinal);
        Assert.Contains(name, result.Error, StringComparison.Ordinal);
    }
}
