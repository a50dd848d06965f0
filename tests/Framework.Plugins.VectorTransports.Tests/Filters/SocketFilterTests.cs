using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using Framework.Plugins.VectorTransports.Filters;

namespace Framework.Plugins.VectorTransports.Tests.Filters;

public sealed class SocketFilterTests
{
    [Fact]
    public void Default_filter_is_UMLs_six_instructions_for_our_MAC()
    {
        var program = DefaultSocketFilter.ForMac([0x02, 0x11, 0x22, 0x33, 0x44, 0x55]);
        Assert.Equal(
            [new(0x20, 0, 0, 8), new(0x15, 0, 3, 0x22334455), new(0x28, 0, 0, 6), new(0x15, 0, 1, 0x0211), new(0x06, 0, 0, 0), new(0x06, 0, 0, 0x40000)],
            program.Instructions);
    }

    [Fact]
    public void Binary_and_tcpdump_text_files_load_the_same_program()
    {
        var text = "4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n";
        var binary = new byte[32];
        (ushort Code, byte Jt, byte Jf, uint K)[] insns = [(40, 0, 0, 12), (21, 0, 1, 2048), (6, 0, 0, 262144), (6, 0, 0, 0)];
        for (var i = 0; i < insns.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(binary.AsSpan(i * 8), insns[i].Code);
            binary[(i * 8) + 2] = insns[i].Jt;
            binary[(i * 8) + 3] = insns[i].Jf;
            BinaryPrimitives.WriteUInt32LittleEndian(binary.AsSpan((i * 8) + 4), insns[i].K);
        }

        var fromText = SocketFilterFile.Parse(System.Text.Encoding.ASCII.GetBytes(text));
        var fromBinary = SocketFilterFile.Parse(binary);
        Assert.Equal(fromText.Instructions, fromBinary.Instructions);
        Assert.Equal(SocketFilterFile.Parse("4,40 0 0 12,21 0 1 2048,6 0 0 262144,6 0 0 0"u8).Instructions, fromText.Instructions);
    }

    [Theory]
    [InlineData("3\n6 0 0 0\n6 0 0 0\n", -1)]
    [InlineData("2\n21 0 5 1\n6 0 0 0\n", 0)]
    [InlineData("2\n5 0 0 1\n6 0 0 0\n", 0)]
    [InlineData("1\n40 0 0 12\n", 0)]
    [InlineData("2\n255 0 0 0\n6 0 0 0\n", 0)]
    [InlineData("2\n52 0 0 0\n6 0 0 0\n", 0)]
    [InlineData("2\n96 0 0 16\n6 0 0 0\n", 0)]
    [InlineData("2\n6 0 0\n6 0 0 0\n", 0)]
    [InlineData("x", -1)]
    public void Programs_the_kernel_would_refuse_are_refused_naming_the_instruction(string text, int index)
    {
        var error = Assert.Throws<SocketFilterException>(() => SocketFilterFile.Parse(System.Text.Encoding.ASCII.GetBytes(text)));
        Assert.Equal(index, error.InstructionIndex);
    }

    [Fact]
    public void Binary_code_must_be_whole_instructions_within_the_limit()
    {
        Assert.Throws<SocketFilterException>(() => SocketFilterFile.Parse(new byte[12]));
        Assert.Throws<SocketFilterException>(() => SocketFilterFile.Parse(new byte[4097 * 8]));
        Assert.Throws<SocketFilterException>(() => SocketFilterFile.Parse([]));
        Assert.Throws<SocketFilterException>(() => SocketFilterFile.Load("/nonexistent/filter.bpf"));
    }

    [Fact]
    public void Random_files_load_or_fail_with_a_typed_error()
    {
        Prop.ForAll<byte[]>(bytes =>
        {
            try
            {
                return SocketFilterFile.Parse(bytes).Instructions.Count > 0;
            }
            catch (SocketFilterException)
            {
                return true;
            }
        }).QuickCheckThrowOnFailure();
    }
}
