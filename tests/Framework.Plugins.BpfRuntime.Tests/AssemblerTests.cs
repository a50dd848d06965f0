using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Isa;

namespace Framework.Plugins.BpfRuntime.Tests;

public sealed class AssemblerTests
{
    [Fact]
    public void Assembles_the_suite_syntax_to_the_RFC_encoding()
    {
        var code = BpfAssembler.Assemble("mov32 %r0, 0\nldxw %r0, [%r1+4]\nstxdw [%r10-8], %r1\nja +1\nlock fetch add32 [%r10-8], %r1\nexit");
        Assert.Equal(new BpfInstruction(0xb4, 0, 0, 0, 0), code[0]);
        Assert.Equal(new BpfInstruction(0x61, 0, 1, 4, 0), code[1]);
        Assert.Equal(new BpfInstruction(0x7b, 10, 1, -8, 0), code[2]);
        Assert.Equal(new BpfInstruction(0x05, 0, 0, 1, 0), code[3]);
        Assert.Equal(new BpfInstruction(0xc3, 10, 1, -8, 0x01), code[4]);
        Assert.Equal(new BpfInstruction(0x95, 0, 0, 0, 0), code[5]);
    }

    [Fact]
    public void Labels_resolve_forwards_and_backwards_and_exit_names_the_first_exit()
    {
        var code = BpfAssembler.Assemble("top:\njeq %r1, 0, done\nja top\nexit\ndone:\njne %r0, 1, exit\ncall local top\nexit");
        Assert.Equal(2, code[0].Offset);
        Assert.Equal(-2, code[1].Offset);
        Assert.Equal(-2, code[3].Offset);
        Assert.Equal(-5, code[4].Imm);
    }

    [Fact]
    public void Wide_loads_and_map_references_round_trip()
    {
        const string text = "lddw %r1, 0x1122334455667788\nlddw %r2, map_fd(3)\nlddw %r3, map_value(4+16)\nlddw %r4, map_idx(0)\nexit\n";
        var code = BpfAssembler.Assemble(text);
        Assert.Equal(9, code.Length);
        Assert.Equal(text, BpfDisassembler.Disassemble(code));
    }

    [Fact]
    public void Every_instruction_form_round_trips_through_the_disassembler()
    {
        const string text = """
            add %r1, -3
            sdiv32 %r1, %r2
            smod %r1, 7
            movsx832 %r1, %r2
            movsx3264 %r1, %r2
            neg32 %r1
            le16 %r1
            be64 %r1
            bswap32 %r1
            ldxsh %r1, [%r2-2]
            stb [%r1+1], 255
            jset32 %r1, %r2, +1
            ja32 -3
            lock cmpxchg [%r1], %r2
            lock xchg32 [%r1+4], %r2
            lock fetch xor [%r1], %r3
            call 12
            call %r3
            call local +1
            ldabsh 12
            ldindb %r1, 2
            exit
            """;
        var code = BpfAssembler.Assemble(text);
        var again = BpfAssembler.Assemble(BpfDisassembler.Disassemble(code));
        Assert.Equal(code, again);
    }

    [Fact]
    public void Slots_that_name_no_instruction_round_trip_as_raw()
    {
        var code = new[] { new BpfInstruction(0xff, 3, 4, 5, 6), new BpfInstruction(0x07, 1, 2, 0, 0) };
        var text = BpfDisassembler.Disassemble(code);
        Assert.Contains(".raw", text, StringComparison.Ordinal);
        Assert.Equal(code, BpfAssembler.Assemble(text));
    }

    [Theory]
    [InlineData("frob %r0, 1", "unknown mnemonic")]
    [InlineData("mov %r16, 1", "invalid register")]
    [InlineData("mov %r0", "takes 2 operand")]
    [InlineData("mov32 %r0, 0x100000000", "out of range")]
    [InlineData("ja nowhere", "undefined label")]
    [InlineData("a:\na:\nexit", "duplicate label")]
    [InlineData("ldxw %r0, %r1", "memory operand")]
    [InlineData("lock nand [%r1], %r2", "unknown atomic")]
    public void Bad_text_fails_with_the_line(string text, string message)
    {
        var e = Assert.Throws<BpfException>(() => BpfAssembler.Assemble(text));
        Assert.Equal(BpfErrno.EINVAL, e.Errno);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("line", e.Field, StringComparison.Ordinal);
    }
}
