using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Conformance;
using Framework.Plugins.BpfRuntime.Isa;

namespace Framework.Plugins.BpfRuntime.Tests;

public sealed class ConformanceTests
{
    [ConformanceFact]
    public void Every_conformance_file_passes()
    {
        var outcomes = new ConformanceRunner().RunDirectory(ConformanceSuite.Directory!);
        Assert.True(outcomes.Count >= 300, $"only {outcomes.Count} files found");
        var failed = outcomes.Where(o => !o.Passed).Select(o => $"{o.Name}: {o.Detail}").ToList();
        Assert.True(failed.Count == 0, string.Join('\n', failed));
    }

    [ConformanceFact]
    public void Every_conformance_program_round_trips_through_the_disassembler()
    {
        foreach (var file in Directory.GetFiles(ConformanceSuite.Directory!, "*.data"))
        {
            var test = ConformanceTest.Parse(Path.GetFileName(file), File.ReadAllText(file));
            var code = BpfAssembler.Assemble(test.Assembly!);
            var text = BpfDisassembler.Disassemble(code);
            Assert.Equal(BpfInstruction.Encode(code), BpfInstruction.Encode(BpfAssembler.Assemble(text)));
        }
    }

    [ConformanceFact]
    public void The_assembler_matches_the_raw_sections()
    {
        foreach (var file in Directory.GetFiles(ConformanceSuite.Directory!, "*.data"))
        {
            var test = ConformanceTest.Parse(Path.GetFileName(file), File.ReadAllText(file));
            if (test.RawProgram() is { } raw)
            {
                Assert.Equal(raw, BpfInstruction.Encode(BpfAssembler.Assemble(test.Assembly!)));
            }
        }
    }
}
