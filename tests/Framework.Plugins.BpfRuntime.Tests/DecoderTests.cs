using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Isa;

namespace Framework.Plugins.BpfRuntime.Tests;

public sealed class DecoderTests
{
    private static BpfException Reject(string asm) =>
        Assert.Throws<BpfException>(() => BpfDecoder.Decode(BpfInstruction.Encode(BpfAssembler.Assemble(asm))));

    [Fact]
    public void A_stream_that_is_not_whole_instructions_is_truncated()
    {
        var e = Assert.Throws<BpfException>(() => BpfDecoder.Decode(new byte[13]));
        Assert.Equal(1, e.InstructionIndex);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_program_is_rejected() =>
        Assert.Equal(BpfErrno.EINVAL, Assert.Throws<BpfException>(() => BpfDecoder.Decode([])).Errno);

    [Fact]
    public void A_truncated_wide_load_names_its_index()
    {
        var bytes = BpfInstruction.Encode(BpfAssembler.Assemble("mov %r0, 0\nlddw %r0, 1"))[..16];
        var e = Assert.Throws<BpfException>(() => BpfDecoder.Decode(bytes));
        Assert.Equal(1, e.InstructionIndex);
        Assert.Contains("second slot", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_opcodes_are_rejected_with_their_index()
    {
        var e = Reject("mov %r0, 0\n.raw 0x00000000000000ff\nexit");
        Assert.Equal(1, e.InstructionIndex);
        Assert.Equal("opcode", e.Field);
    }

    [Theory]
    [InlineData("ja +5\nexit", 0, "out of range")]
    [InlineData("mov %r0, 0\nja -3\nexit", 1, "out of range")]
    [InlineData("ja +1\nlddw %r0, 1\nexit", 0, "middle")]
    [InlineData("call local +9\nexit", 0, "out of range")]
    [InlineData("mov %r10, 1\nexit", 0, "read-only")]
    [InlineData("mov %r11, 1\nexit", 0, "invalid register")]
    [InlineData("ldxw %r0, [%r12]\nexit", 0, "invalid register")]
    [InlineData("le8 %r0\nexit", -1, "unknown mnemonic")]
    [InlineData(".raw 0x00000008000000d4\nexit", 0, "byte swap width")]
    [InlineData(".raw 0x0000000000002085\nexit", 0, "kernel function")]
    [InlineData(".raw 0x00000000000300b7\nexit", 0, "offset")]
    [InlineData(".raw 0x000000ff000000db\nexit", 0, "atomic")]
    public void Invalid_instructions_are_rejected(string asm, int index, string message)
    {
        // Some forms do not even assemble (index -1); that is a rejection too.
        var e = Reject(asm);
        Assert.Equal(index, e.InstructionIndex);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
