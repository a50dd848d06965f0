using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Framework.Abstractions;
using Framework.Abstractions.Commands;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Framework.Plugins.Elf2Dmp.Tests;

public sealed class FakeConsole : ICommandConsole
{
    private readonly StringWriter _out = new();
    private readonly StringWriter _error = new();

    public TextWriter Out => _out;

    public TextWriter Error => _error;

    public string Output => _out.ToString();

    public string Errors => _error.ToString();

    public List<(string? Title, IReadOnlyList<string> Columns, List<IReadOnlyList<string>> Rows)> Tables { get; } = [];

    public List<FakeProgress> Progress { get; } = [];

    public void WriteTable(string? title, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        var list = rows.ToList();
        Assert.All(list, r => Assert.Equal(columns.Count, r.Count));
        Tables.Add((title, columns, list));
    }

    public IProgressReporter StartProgress(string description, long total)
    {
        var progress = new FakeProgress(description, total);
        Progress.Add(progress);
        return progress;
    }

    public sealed class FakeProgress(string description, long total) : IProgressReporter
    {
        public string Description { get; } = description;

        public long Total { get; } = total;

        public long Last { get; private set; }

        public bool Disposed { get; private set; }

        public void Report(long done) => Last = done;

        public void Describe(string description)
        {
        }

        public void Dispose() => Disposed = true;
    }
}
