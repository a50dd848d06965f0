using FsCheck;
using FsCheck.Fluent;
using Framework.Plugins.Elf2Dmp.Kernel;
using Framework.Plugins.Elf2Dmp.Tests.Guest;

namespace Framework.Plugins.Elf2Dmp.Tests;

public sealed class KdbgDecoderTests
{
    [Fact]
    public void Decoding_undoes_the_kernel_encoding_for_any_keys()
    {
        Prop.ForAll<ulong[], ulong, Tuple<ulong, ulong>>((words, never, keys) =>
        {
            var (always, block) = keys;
            var plain = words.SelectMany(BitConverter.GetBytes).ToArray();
            var data = (byte[])plain.Clone();
            SyntheticGuest.Encode(data, never, always, block);
            KdbgDecoder.Decode(data, never, always, block);
            return data.AsSpan().SequenceEqual(plain);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void A_decoded_header_is_checked_for_tag_and_size()
    {
        var header = new byte[KdDebuggerData.MaximumSize];
        Assert.Contains("OwnerTag", Assert.Throws<Elf2DmpException>(() => KdDebuggerData.Parse(header, 0x1000, wasEncoded: false)).Message, StringComparison.Ordinal);
        BitConverter.TryWriteBytes(header.AsSpan(KdDebuggerData.OwnerTagOffset), KdDebuggerData.KdbgTag);
        foreach (var size in new uint[] { 0, 0x100, 0x341, 0x2000 })
        {
            BitConverter.TryWriteBytes(header.AsSpan(KdDebuggerData.SizeOffset), size);
            Assert.Contains("KDBG Size", Assert.Throws<Elf2DmpException>(() => KdDebuggerData.Parse(header, 0x1000, wasEncoded: false)).Message, StringComparison.Ordinal);
        }

        Assert.Equal(Elf2DmpError.Truncated, Assert.Throws<Elf2DmpException>(() => KdDebuggerData.Parse(new byte[8], 0, false)).Error);
    }
}
