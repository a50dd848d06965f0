using System.Text;
using Framework.Host.Telemetry.OtlpJson;

namespace Framework.Host.Tests.Telemetry;

public sealed class OtlpJsonFileTests : IDisposable
{
    private readonly OtlpJsonLines _lines = new();

    public void Dispose() => _lines.Dispose();

    [Fact]
    public void Open_without_a_path_is_no_file()
    {
        Assert.Null(OtlpJsonFile.Open(null));
        Assert.Null(OtlpJsonFile.Open("  "));
    }

    [Fact]
    public void Creates_the_directory_and_appends_one_line_per_call()
    {
        using (var file = OtlpJsonFile.Open(_lines.FilePath)!)
        {
            Assert.Equal(_lines.FilePath, file.Path);
            Assert.True(file.AppendLine("{\"a\":1}"u8));
            Assert.True(file.AppendLine("{\"b\":2}"u8));

            // Flushed per line: visible to a reader while the file is still open.
            Assert.Equal("{\"a\":1}\n{\"b\":2}\n", File.ReadAllText(_lines.FilePath));
        }

        using (var again = new OtlpJsonFile(_lines.FilePath))
        {
            again.AppendLine("{\"c\":3}"u8);
        }

        Assert.Equal(3, _lines.Read().Count);
    }

    [Fact]
    public void A_path_that_cannot_be_created_is_a_typed_error_naming_the_setting_and_path()
    {
        // A regular file where a directory should be: the parent cannot be created.
        Directory.CreateDirectory(_lines.Directory);
        var blocker = Path.Combine(_lines.Directory, "blocker");
        File.WriteAllText(blocker, "x");
        var path = Path.Combine(blocker, "telemetry.jsonl");

        var error = Assert.Throws<OtlpJsonFileException>(() => OtlpJsonFile.Open(path));
        Assert.Equal(path, error.Path);
        Assert.StartsWith($"Host:Telemetry:FilePath: cannot append to '{path}': ", error.Message);
        Assert.IsAssignableFrom<IOException>(error.InnerException);
    }

    [Fact]
    public void A_directory_as_the_path_is_a_typed_error()
    {
        Directory.CreateDirectory(_lines.Directory);
        var error = Assert.Throws<OtlpJsonFileException>(() => new OtlpJsonFile(_lines.Directory));
        Assert.Equal(_lines.Directory, error.Path);
    }

    [Fact]
    public void A_line_feed_inside_a_line_is_refused()
    {
        using var file = new OtlpJsonFile(_lines.FilePath);
        Assert.Throws<ArgumentException>(() => file.AppendLine("{\"a\":\n1}"u8));
        Assert.Equal(string.Empty, File.ReadAllText(_lines.FilePath));
    }

    [Fact]
    public void Appends_after_dispose_are_dropped_and_dispose_twice_is_harmless()
    {
        var file = new OtlpJsonFile(_lines.FilePath);
        file.Dispose();
        file.Dispose();
        Assert.False(file.AppendLine("{}"u8));
    }

    [Fact]
    public void Concurrent_appends_never_interleave_inside_a_line()
    {
        const int Threads = 8;
        const int PerThread = 200;
        using (var file = new OtlpJsonFile(_lines.FilePath))
        {
            Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
            {
                for (var i = 0; i < PerThread; i++)
                {
                    // Lines of different sizes, some past the pool's small buckets.
                    var padding = new string((char)('a' + t), (i * 37) % 5000);
                    file.AppendLine(Encoding.UTF8.GetBytes($"{{\"t\":{t},\"i\":{i},\"p\":\"{padding}\"}}"));
                }
            });
        }

        var lines = _lines.Read();
        Assert.Equal(Threads * PerThread, lines.Count);
        for (var t = 0; t < Threads; t++)
        {
            var mine = lines.Where(l => l.GetProperty("t").GetInt32() == t).Select(l => l.GetProperty("i").GetInt32()).ToList();
            Assert.Equal(Enumerable.Range(0, PerThread), mine);
        }
    }
}
