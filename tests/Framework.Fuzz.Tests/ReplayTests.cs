namespace Framework.Fuzz.Tests;

/// <summary>Every target's seeds parse without a crash or hang, every committed crash input stays fixed,
/// and every target has seeds.</summary>
public sealed class ReplayTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static TheoryData<string> Targets()
    {
        var data = new TheoryData<string>();
        foreach (var target in FuzzTargets.All)
        {
            data.Add(target.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Every_target_has_a_seed_corpus(string target) =>
        Assert.NotEmpty(FuzzInputs.Files("corpus", target));

    [Theory]
    [MemberData(nameof(Targets))]
    public void Seeds_pass_through_their_target_without_a_crash_or_hang(string target) =>
        AssertAllPass(target, FuzzInputs.Files("corpus", target));

    [Theory]
    [MemberData(nameof(Targets))]
    public void Committed_crash_inputs_no_longer_crash_their_target(string target) =>
        AssertAllPass(target, FuzzInputs.Files("crashes", target));

    [Fact]
    public void Corpus_and_crash_folders_name_only_existing_targets()
    {
        foreach (var kind in new[] { "corpus", "crashes" })
        {
            var folder = Path.Combine(FuzzInputs.Root, "tests", "fuzz", kind);
            foreach (var dir in Directory.Exists(folder) ? Directory.GetDirectories(folder) : [])
            {
                Assert.True(FuzzTargets.Find(Path.GetFileName(dir)) is not null, $"{dir} names no fuzz target");
            }
        }
    }

    [Fact]
    public void A_target_that_throws_something_else_than_its_typed_error_is_reported_as_a_crash()
    {
        var target = new FuzzTarget("throws", "a parser that fails badly", [], input => _ = input[input.Length]);
        Assert.Contains("IndexOutOfRange", Replay.Run(target, [1, 2, 3], Timeout), StringComparison.Ordinal);
        var hang = new FuzzTarget("hangs", "a parser that never returns", [], _ => Thread.Sleep(System.Threading.Timeout.InfiniteTimeSpan));
        Assert.Contains("hang", Replay.Run(hang, [], TimeSpan.FromMilliseconds(200)), StringComparison.Ordinal);
    }

    private static void AssertAllPass(string name, IEnumerable<string> inputs)
    {
        var target = FuzzTargets.Find(name)!;
        var failures = inputs
            .Select(path => (path, failure: Replay.Run(target, File.ReadAllBytes(path), Timeout)))
            .Where(r => r.failure is not null)
            .Select(r => $"{Path.GetFileName(r.path)}: {r.failure}")
            .ToList();
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
    }
}
