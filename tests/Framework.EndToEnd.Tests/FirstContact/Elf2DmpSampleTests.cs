using Framework.EndToEnd.Tests.Hostile;
using Framework.EndToEnd.Tests.Infrastructure;

namespace Framework.EndToEnd.Tests.FirstContact;

/// <summary>Converting the bundled elf2dmp sample as a new user would: the error says which option
/// is missing, and a FIFO as output is streamed.</summary>
public sealed class Elf2DmpSampleTests : IDisposable
{
    private static readonly string Sample = Path.Combine(FrameworkProcess.HostDirectory, "plugins", "elf2dmp", "Sample");
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Converting_the_sample_without_symbols_names_the_symbol_path_option()
    {
        var result = await FrameworkProcess.RunAsync(["elf2dmp", "convert", Path.Combine(Sample, "guest.elf"), _scratch["guest.dmp"]], new Dictionary<string, string?> { ["_NT_SYMBOL_PATH"] = null });

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("--symbol-path (-y)", result.Error, StringComparison.Ordinal);
        Assert.Contains("Sample/symbols", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_scratch["guest.dmp"]));
    }

    [Fact]
    public async Task A_FIFO_as_output_receives_the_same_dump_as_a_regular_file()
    {
        var regular = await Scratch.Run("elf2dmp", "convert", Path.Combine(Sample, "guest.elf"), _scratch["guest.dmp"], "-y", Path.Combine(Sample, "symbols"));
        Assert.True(regular.ExitCode == 0, regular.ToString());

        var fifo = _scratch["guest.fifo"];
        Scratch.Shell("mkfifo", fifo);
        var reader = Task.Run(async () =>
        {
            await using var stream = new FileStream(fifo, FileMode.Open, FileAccess.Read);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            return copy.ToArray();
        });
        var streamed = await Scratch.Run("elf2dmp", "convert", Path.Combine(Sample, "guest.elf"), fifo, "-y", Path.Combine(Sample, "symbols"));

        Assert.True(streamed.ExitCode == 0, streamed.ToString());
        Assert.Equal(await File.ReadAllBytesAsync(_scratch["guest.dmp"]), await reader.WaitAsync(TimeSpan.FromSeconds(60)));
    }
}
