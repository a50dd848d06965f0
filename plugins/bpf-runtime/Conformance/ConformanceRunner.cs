using System.Globalization;
using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Isa;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Conformance;

/// <summary>
/// Runs bpf_conformance test files against this runtime: each program is assembled (or taken from
/// its <c>raw</c> section), loaded as a <see cref="BpfProgramType.Test"/> program with a GPL license,
/// run over the file's memory, and r0 compared with the expected result (all 64 bits). A test that
/// expects an error passes when load or run fails. Thread-safe.
/// </summary>
public sealed class ConformanceRunner
{
    private readonly BpfSystem _system;
    private readonly BpfEngine? _engine;

    /// <summary>Creates a runner on a system (a private one when null).</summary>
    /// <param name="system">The system programs load into.</param>
    /// <param name="engine">The engine to run with; the system's <see cref="BpfSystemOptions.Engine"/> when null.</param>
    public ConformanceRunner(BpfSystem? system = null, BpfEngine? engine = null)
    {
        _system = system ?? new BpfSystem();
        _engine = engine;
    }

    /// <summary>Runs every <c>*.data</c> file in a folder, in name order.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="Framework.Abstractions.Commands.CommandFailedException">A test file is over 16 MiB or cannot be read.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled between two files.</exception>
    public IReadOnlyList<ConformanceOutcome> RunDirectory(string directory, CancellationToken cancellationToken = default)
    {
        var outcomes = new List<ConformanceOutcome>();
        foreach (var file in Directory.GetFiles(directory, "*.data").Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            outcomes.Add(RunText(Path.GetFileName(file), Framework.Abstractions.Files.InputFile.ReadAllText(file, "test file", Framework.Abstractions.Files.InputFile.SmallLimit)));
        }

        return outcomes;
    }

    /// <summary>Runs one test given as text.</summary>
    public ConformanceOutcome RunText(string name, string text)
    {
        ConformanceTest test;
        try
        {
            test = ConformanceTest.Parse(name, text);
        }
        catch (BpfException e)
        {
            return new ConformanceOutcome(name, false, e.Message);
        }

        return Run(test);
    }

    /// <summary>Runs one parsed test.</summary>
    public ConformanceOutcome Run(ConformanceTest test)
    {
        ArgumentNullException.ThrowIfNull(test);
        ulong r0;
        try
        {
            var instructions = test.Assembly is { } asm
                ? BpfAssembler.Assemble(asm)
                : BpfDecoder.Decode(test.RawProgram() ?? throw new BpfException(BpfErrno.EINVAL, "the file has neither an asm nor a raw section"));
            using var handle = _system.LoadProgram(new BpfProgramLoadAttributes
            {
                Type = BpfProgramType.Test,
                Instructions = instructions,
                License = "GPL",

                // The suite's programs are checked by their expected results and errors at run time
                // (its own uBPF-style runner does not verify); several read uninitialized registers
                // or divide by an immediate zero on purpose, which the verifier would refuse.
                Verify = false,
            });
            r0 = handle.Program.RunUntraced(test.Memory.ToArray(), _engine ?? handle.Program.Engine);
        }
        catch (BpfException e)
        {
            return test.ExpectedError is not null
                ? new ConformanceOutcome(test.Name, true, e.Message)
                : new ConformanceOutcome(test.Name, false, e.Message);
        }

        if (test.ExpectedError is not null)
        {
            return new ConformanceOutcome(test.Name, false, $"expected error '{test.ExpectedError}', got 0x{r0:x}");
        }

        if (test.ExpectedResult is not { } expected)
        {
            return new ConformanceOutcome(test.Name, false, "the file has no result section");
        }

        return r0 == expected
            ? new ConformanceOutcome(test.Name, true, string.Create(CultureInfo.InvariantCulture, $"0x{r0:x}"))
            : new ConformanceOutcome(test.Name, false, string.Create(CultureInfo.InvariantCulture, $"returned 0x{r0:x}, expected 0x{expected:x}"));
    }
}
