using Framework.Abstractions.Commands;
using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;
using Microsoft.Extensions.Logging;

namespace Framework.Plugins.BpfRuntime.Tests;

internal static class TestSupport
{
    /// <summary>Loads a program unverified: the interpreter and JIT tests exercise the run-time
    /// checks (faults, budgets, wild pointers), which the verifier would refuse at load; the
    /// verifier has its own tests (Verifier/).</summary>
    public static BpfProgramHandle Load(BpfSystem system, string asm, BpfProgramType type = BpfProgramType.Test, string license = "GPL", params int[] maps) =>
        system.LoadProgram(new BpfProgramLoadAttributes
        {
            Type = type,
            Instructions = BpfAssembler.Assemble(asm),
            License = license,
            MapDescriptors = maps,
            Verify = false,
        });

    public static ulong Run(string asm, byte[]? memory = null)
    {
        using var system = new BpfSystem();
        using var program = Load(system, asm);
        return program.Program.Run(memory ?? []);
    }

    /// <summary>Runs a <c>bpf</c> sub-command (such as "bpf run") with option values and standard input.</summary>
    public static (int Code, string Out, string Error) InvokeCli(BpfSystem system, string path, Dictionary<string, string[]> values, string stdin = "")
    {
        var command = Cli.BpfCommands.Create(() => new MemoryStream(System.Text.Encoding.ASCII.GetBytes(stdin)));
        foreach (var word in path.Split(' ').Skip(1))
        {
            command = command.Subcommands.Single(c => c.Name == word);
        }

        var console = new FakeConsole();
        var context = new CommandContext(
            new SingleServiceProvider(system),
            console,
            values.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value),
            path);
        var code = command.Handler!(context, CancellationToken.None).GetAwaiter().GetResult();
        return (code, console.OutWriter.ToString(), console.ErrorWriter.ToString());
    }

    public static BpfException Fault(string asm, byte[]? memory = null, BpfSystemOptions? options = null)
    {
        using var system = new BpfSystem(options);
        using var program = Load(system, asm);
        return Assert.Throws<BpfException>(() => program.Program.Run(memory ?? []));
    }
}

internal sealed class FakeConsole : ICommandConsole
{
    public StringWriter OutWriter { get; } = new();

    public StringWriter ErrorWriter { get; } = new();

    public TextWriter Out => OutWriter;

    public TextWriter Error => ErrorWriter;

    public void WriteTable(string? title, IReadOnlyList<string> columns, IEnumerable<IReadOnlyList<string>> rows)
    {
        OutWriter.WriteLine(string.Join('\t', columns));
        foreach (var row in rows)
        {
            OutWriter.WriteLine(string.Join('\t', row));
        }
    }

    public IProgressReporter StartProgress(string description, long total) => new NoProgress();

    private sealed class NoProgress : IProgressReporter
    {
        public void Report(long done)
        {
        }

        public void Describe(string description)
        {
        }

        public void Dispose()
        {
        }
    }
}

internal sealed class SingleServiceProvider(params object[] services) : IServiceProvider
{
    public object? GetService(Type serviceType) => services.FirstOrDefault(serviceType.IsInstanceOfType);
}

internal sealed class CapturingLogger : ILogger
{
    public List<(LogLevel Level, EventId Id, string Message)> Records { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (Records)
        {
            Records.Add((logLevel, eventId, formatter(state, exception)));
        }
    }
}
