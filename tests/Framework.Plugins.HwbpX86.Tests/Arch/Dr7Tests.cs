using Framework.Plugins.HwbpX86.Arch;
using Framework.Plugins.HwbpX86.Native;
using Framework.Plugins.HwbpX86.Slots;

namespace Framework.Plugins.HwbpX86.Tests.Arch;

/// <summary>DR7 against the bit layout of the Intel SDM (vol. 3, figure 18-1).</summary>
public sealed class Dr7Tests
{
    [Theory]
    [InlineData(0, DebugRegisterCondition.Write, 4, false, 0x000D_0001UL)]       // L0, R/W0=01, LEN0=11
    [InlineData(3, DebugRegisterCondition.ReadWrite, 8, true, 0xB000_0080UL)]     // G3, R/W3=11, LEN3=10
    [InlineData(1, DebugRegisterCondition.Execute, 1, false, 0x0000_0004UL)]      // L1, R/W1=00, LEN1=00
    [InlineData(2, DebugRegisterCondition.Write, 2, false, 0x0500_0010UL)]        // L2, R/W2=01, LEN2=01
    [InlineData(1, DebugRegisterCondition.ReadWrite, 1, true, 0x0030_0008UL)]     // G1, R/W1=11, LEN1=00
    public void Enable_sets_the_sdm_bits(int index, DebugRegisterCondition condition, int length, bool global, ulong expected)
    {
        Assert.Equal(expected, new Dr7(0).Enable(index, condition, length, global).Value);
    }

    [Fact]
    public void Every_register_condition_and_length_round_trips_and_leaves_the_others_alone()
    {
        var conditions = new[] { DebugRegisterCondition.Write, DebugRegisterCondition.ReadWrite, DebugRegisterCondition.Io };
        foreach (var index in Enumerable.Range(0, 4))
        {
            foreach (var condition in conditions)
            {
                foreach (var length in new[] { 1, 2, 4, 8 })
                {
                    foreach (var global in new[] { false, true })
                    {
                        var other = new Dr7(0).Enable((index + 1) % 4, DebugRegisterCondition.Write, 8);
                        var dr7 = other.Enable(index, condition, length, global);
                        Assert.True(dr7.IsEnabled(index));
                        Assert.Equal(!global, dr7.IsLocal(index));
                        Assert.Equal(global, dr7.IsGlobal(index));
                        Assert.Equal(condition, dr7.Condition(index));
                        Assert.Equal(length, dr7.Length(index));
                        Assert.Equal(other.Value, dr7.Disable(index).Value);
                        Assert.Equal(DebugRegisterCondition.Write, dr7.Condition((index + 1) % 4));
                        Assert.Equal(8, dr7.Length((index + 1) % 4));
                    }
                }
            }
        }
    }

    [Fact]
    public void Enable_replaces_an_earlier_setting_of_the_same_register()
    {
        var dr7 = new Dr7(0).Enable(2, DebugRegisterCondition.ReadWrite, 8, global: true).Enable(2, DebugRegisterCondition.Write, 1);
        Assert.Equal(0x0100_0010UL, dr7.Value); // L2, R/W2=01 at bits 24-25, LEN2=00
    }

    [Fact]
    public void Enable_keeps_the_exact_and_general_detect_bits()
    {
        var dr7 = new Dr7(Dr7.LocalExact | Dr7.GlobalExact | Dr7.GeneralDetect | 0x400).Enable(0, DebugRegisterCondition.Write, 1).Disable(0);
        Assert.Equal(Dr7.LocalExact | Dr7.GlobalExact | Dr7.GeneralDetect | 0x400, dr7.Value);
    }

    [Theory]
    [InlineData(DebugRegisterCondition.Write, 3)]
    [InlineData(DebugRegisterCondition.Write, 16)]
    [InlineData(DebugRegisterCondition.Execute, 8)]
    [InlineData(DebugRegisterCondition.Execute, 4)]
    public void Enable_refuses_what_dr7_cannot_encode(DebugRegisterCondition condition, int length)
    {
        var e = Assert.Throws<HwbpException>(() => new Dr7(0).Enable(0, condition, length));
        Assert.Equal(Errno.EINVAL, e.Errno);
        Assert.Contains("LEN0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Registers_beyond_dr3_do_not_exist()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dr7(0).Enable(4, DebugRegisterCondition.Write, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dr7(0).IsEnabled(-1));
    }

    [Fact]
    public void Reads_alone_cannot_be_encoded_and_the_error_suggests_read_write()
    {
        var e = Assert.Throws<HwbpException>(() => Dr7.Encode(HwBreakpointType.Read, 4));
        Assert.Contains("use rw", e.Message, StringComparison.Ordinal);
        Assert.Equal((DebugRegisterCondition.Execute, 1), Dr7.Encode(HwBreakpointType.Execute, 8));
    }

    [Fact]
    public void Random_values_decode_to_fields_that_re_encode_to_the_same_value()
    {
        var random = new Random(3);
        for (var n = 0; n < 10_000; n++)
        {
            var value = (ulong)random.NextInt64() & 0xFFFF_FFFF;
            var original = new Dr7(value);
            var rebuilt = new Dr7(value & ~0xFFFF_00FFUL);
            for (var i = 0; i < 4; i++)
            {
                var fields = original.Condition(i) == DebugRegisterCondition.Execute && original.Length(i) != 1;
                if (fields)
                {
                    // An execute condition with LEN != 00 is undefined: rebuild the raw bits.
                    rebuilt = new Dr7(rebuilt.Value | (original.Value & ((0xFUL << (16 + (i * 4))) | (3UL << (i * 2)))));
                    continue;
                }

                rebuilt = rebuilt.Enable(i, original.Condition(i), original.Length(i), original.IsGlobal(i) && !original.IsLocal(i));
                if (original.IsLocal(i) && original.IsGlobal(i))
                {
                    rebuilt = new Dr7(rebuilt.Value | (3UL << (i * 2)));
                }
                else if (!original.IsEnabled(i))
                {
                    rebuilt = new Dr7(rebuilt.Value & ~(3UL << (i * 2)));
                }
            }

            Assert.Equal(original.Value, rebuilt.Value);
        }
    }
}
