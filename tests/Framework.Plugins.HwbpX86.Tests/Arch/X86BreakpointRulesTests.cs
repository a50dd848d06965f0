using Framework.Plugins.HwbpX86.Arch;
using Framework.Plugins.HwbpX86.Native;
using Framework.Plugins.HwbpX86.Slots;

namespace Framework.Plugins.HwbpX86.Tests.Arch;

public sealed class X86BreakpointRulesTests
{
    [Theory]
    [InlineData(0x1000UL, 1UL)]
    [InlineData(0x1002UL, 2UL)]
    [InlineData(0x1004UL, 4UL)]
    [InlineData(0x1008UL, 8UL)]
    public void Naturally_aligned_data_breakpoints_of_1_2_4_8_bytes_are_accepted(ulong address, ulong length)
    {
        Assert.True(X86BreakpointRules.Check(address, length, HwBreakpointType.Write).IsOk);
        Assert.True(X86BreakpointRules.Check(address, length, HwBreakpointType.ReadWrite).IsOk);
    }

    [Theory]
    [InlineData(0x1001UL, 2UL)]
    [InlineData(0x1002UL, 4UL)]
    [InlineData(0x1004UL, 8UL)]
    public void Unaligned_address_is_refused_with_the_aligned_one_suggested(ulong address, ulong length)
    {
        var check = X86BreakpointRules.Check(address, length, HwBreakpointType.Write);
        Assert.Equal(Errno.EINVAL, check.Errno);
        Assert.Contains("not aligned", check.Message, StringComparison.Ordinal);
        Assert.Contains($"0x{address & ~(length - 1):x}", check.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0UL, Errno.EINVAL)]
    [InlineData(3UL, Errno.EINVAL)]
    [InlineData(16UL, Errno.EOPNOTSUPP)]
    public void Bad_lengths_are_refused_as_the_kernel_refuses_them(ulong length, Errno errno)
    {
        var check = X86BreakpointRules.Check(0x1000, length, HwBreakpointType.Write);
        Assert.Equal(errno, check.Errno);
        Assert.Contains("length", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Longer_power_of_two_ranges_need_amd_bpext()
    {
        Assert.True(X86BreakpointRules.Check(0x1000, 16, HwBreakpointType.Write, rangeExtension: true).IsOk);
        Assert.Equal(Errno.EINVAL, X86BreakpointRules.Check(0x1008, 16, HwBreakpointType.Write, rangeExtension: true).Errno);
    }

    [Fact]
    public void Reads_alone_are_refused_with_a_suggestion_of_read_write()
    {
        var check = X86BreakpointRules.Check(0x1000, 4, HwBreakpointType.Read);
        Assert.Equal(Errno.EINVAL, check.Errno);
        Assert.Contains("cannot watch reads alone", check.Message, StringComparison.Ordinal);
        Assert.Contains("rw", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Execute_takes_the_kernels_length_and_any_alignment()
    {
        Assert.Equal(8UL, X86BreakpointRules.KernelLength(HwBreakpointType.Execute, 1));
        Assert.Equal(4UL, X86BreakpointRules.KernelLength(HwBreakpointType.Write, 4));
        Assert.True(X86BreakpointRules.Check(0x1003, 8, HwBreakpointType.Execute).IsOk);
        Assert.Equal(Errno.EINVAL, X86BreakpointRules.Check(0x1000, 4, HwBreakpointType.Execute).Errno);
    }

    [Theory]
    [InlineData(0xFFFF_FFFF_8100_0000UL)]
    [InlineData(0x7FFF_FFFF_F000UL)]
    [InlineData(0x7FFF_FFFF_FFFCUL)]
    public void Kernel_addresses_are_refused(ulong address)
    {
        var check = X86BreakpointRules.Check(address, 4, HwBreakpointType.Write);
        Assert.Equal(Errno.EINVAL, check.Errno);
        Assert.Contains("kernel address space", check.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrapping_ranges_and_mixed_types_are_refused()
    {
        Assert.Equal(Errno.EINVAL, X86BreakpointRules.Check(ulong.MaxValue, 8, HwBreakpointType.Write).Errno);
        Assert.Equal(Errno.EINVAL, X86BreakpointRules.Check(0x1000, 8, HwBreakpointType.Invalid).Errno);
        Assert.Equal(Errno.EINVAL, X86BreakpointRules.Check(0x1000, 8, HwBreakpointType.Empty).Errno);
    }
}

public sealed class UserSpaceEdgeTests
{
    [Fact]
    public void Last_user_word_is_accepted()
    {
        Assert.True(X86BreakpointRules.Check(0x7FFF_FFFF_EFF8, 8, HwBreakpointType.Write).IsOk);
    }
}
