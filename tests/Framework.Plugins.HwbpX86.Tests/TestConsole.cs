using Framework.Abstractions.Commands;

namespace Framework.Plugins.HwbpX86.Tests;

/// <summary>An ICommandConsole that records what commands write.</summary>
internal sealed class TestConsole : ICommandConsole
{
    public StringWriter OutWriter { get; } = new();

    public StringWriter ErrorWriter { get; } = new();

    public List<(string? Title, IReadOnlyList<string> Columns, List<IReadOnlyList<string>> Rows)> Tables { get; } = [];

    public TextWriter Out => OutWriter;

    public TextWriter Error => ErrorWriter;

    public IProgressReporter StartProgress(string description, long total) => throw new NotSupportedException("hwbp commands report no progress");

    public void WriteTable(string? title, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        var list = rows.ToList();
        Assert.All(list, r => Assert.Equal(columns.Count, r.Count));
        Tables.Add((title, columns, list));
    }
}
