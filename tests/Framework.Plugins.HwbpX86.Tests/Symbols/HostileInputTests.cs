using System.Text;
using Framework.Plugins.HwbpX86.Perf;
using Framework.Plugins.HwbpX86.Plans;
using Framework.Plugins.HwbpX86.Symbols;

namespace Framework.Plugins.HwbpX86.Tests.Symbols;

/// <summary>The parsers (ELF symbol tables, perf records, slot plans) on truncated, oversized and
/// randomly mutated input: typed errors only, no crash, no hang.</summary>
public sealed class HostileInputTests
{
    private static byte[] RealElf() => File.ReadAllBytes(TargetProgram.Missing is null ? TargetProgram.Path : "/bin/true");

    [TargetFact]
    public void Intact_target_elf_yields_its_function_and_variables()
    {
        var image = ElfImage.Parse(File.ReadAllBytes(TargetProgram.Path));
        Assert.True(image.IsSharedObject || image.Loads.Count > 0);
        Assert.Contains(image.Symbols, s => s.Name == "hwbp_tick" && s.IsFunction);
        Assert.Contains(image.Symbols, s => s.Name == "hwbp_vars" && !s.IsFunction && s.Size == 32);
    }

    [Fact]
    public void Truncated_elf_at_every_length_gives_an_error_or_fewer_symbols_never_an_exception()
    {
        var elf = RealElf();
        var full = ElfImage.Parse(elf);
        Assert.Null(full.Error);
        Assert.NotEmpty(full.Symbols);
        for (var length = 0; length < elf.Length; length += Math.Max(1, elf.Length / 997))
        {
            var image = ElfImage.Parse(elf.AsSpan(0, length));
            Assert.True(image.Error is not null || image.Symbols.Count <= full.Symbols.Count);
        }
    }

    [Fact]
    public void Randomly_mutated_elf_never_throws()
    {
        var elf = RealElf();
        var random = new Random(12);
        for (var round = 0; round < 2000; round++)
        {
            var copy = (byte[])elf.Clone();
            for (var i = 0; i < 1 + random.Next(16); i++)
            {
                // Bias the damage toward the headers, where offsets and counts live.
                var at = random.Next(3) == 0 ? random.Next(copy.Length) : random.Next(Math.Min(copy.Length, 128));
                copy[at] = (byte)random.Next(256);
            }

            _ = ElfImage.Parse(copy);
        }
    }

    [Fact]
    public void Non_elf_input_is_named_as_such()
    {
        Assert.Contains("not an ELF file", ElfImage.Parse(Encoding.ASCII.GetBytes("#!/bin/sh\necho hello\n" + new string('x', 100))).Error, StringComparison.Ordinal);
        Assert.Contains("ELF64", ElfImage.Parse([0x7f, (byte)'E', (byte)'L', (byte)'F', 1, 1, .. new byte[64]]).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Perf_records_of_any_bytes_parse_to_a_result_or_a_typed_error()
    {
        var random = new Random(5);
        var buffer = new byte[128];
        for (var round = 0; round < 20_000; round++)
        {
            random.NextBytes(buffer);
            var length = random.Next(buffer.Length);
            var result = PerfRecordParser.Parse(buffer.AsSpan(0, length));
            Assert.True(result.Error is not null || (result.Size >= 8 && result.Size <= length));
        }
    }

    [Fact]
    public void Short_sample_record_is_an_error_naming_the_fields()
    {
        byte[] record = [9, 0, 0, 0, 0, 0, 16, 0, 1, 2, 3, 4, 5, 6, 7, 8];
        Assert.Contains("need 48", PerfRecordParser.Parse(record).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Mutated_plans_give_a_plan_or_a_SlotPlanException_only()
    {
        var plan = Encoding.UTF8.GetBytes("""[{"op":"open","name":"a","cpu":0,"task":"t1","type":"w","len":8,"pinned":true},{"op":"modify","name":"a","type":"rw","len":4},{"op":"close","name":"a"}]""");
        var random = new Random(9);
        for (var round = 0; round < 5000; round++)
        {
            var copy = plan[..random.Next(plan.Length + 1)];
            if (copy.Length > 0 && random.Next(2) == 0)
            {
                copy[random.Next(copy.Length)] = (byte)random.Next(32, 127);
            }

            try
            {
                SlotPlan.Parse(copy);
            }
            catch (SlotPlanException)
            {
            }
        }
    }

    [Fact]
    public void A_plan_with_invalid_UTF_8_in_a_string_is_refused_naming_the_byte()
    {
        // Found by afl (tests/fuzz/crashes/hwbp-slot-plan/invalid-utf8-*): the JSON reader checks
        // structure only, and the bad bytes in a name surfaced from GetString as InvalidOperationException.
        var plan = Encoding.UTF8.GetBytes("""[{"op":"open","name":"a?","type":"w","len":8}]""");
        plan[Array.IndexOf(plan, (byte)'?')] = 0x88;

        var error = Assert.Throws<SlotPlanException>(() => SlotPlan.Parse(plan));
        Assert.Contains("not valid UTF-8 at byte 23", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deeply_nested_or_huge_plans_are_refused_cleanly()
    {
        Assert.Throws<SlotPlanException>(() => SlotPlan.Parse(Encoding.UTF8.GetBytes(new string('[', 10_000))));
        Assert.Throws<SlotPlanException>(() => SlotPlan.Parse(Encoding.UTF8.GetBytes("""[{"op":"open","name":"a","type":"w","len":99999999999}]""")));
    }
}
