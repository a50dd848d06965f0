using Framework.Plugins.HwbpX86.Arch;

namespace Framework.Plugins.HwbpX86.Tests.Arch;

/// <summary>DR6 against the bit layout of the Intel SDM (vol. 3, figure 18-1).</summary>
public sealed class Dr6Tests
{
    [Fact]
    public void Reset_value_says_nothing_fired()
    {
        var dr6 = new Dr6(0xFFFF_0FF0);
        Assert.Empty(dr6.TriggeredBreakpoints);
        Assert.False(dr6.SingleStep);
        Assert.False(dr6.TaskSwitch);
        Assert.False(dr6.InTransaction);
    }

    [Theory]
    [InlineData(0xFFFF_0FF1UL, new[] { 0 })]
    [InlineData(0xFFFF_0FF4UL, new[] { 2 })]
    [InlineData(0xFFFF_0FF8UL, new[] { 3 })]
    [InlineData(0xFFFF_0FFAUL, new[] { 1, 3 })]
    public void Bn_bits_say_which_of_the_four_fired(ulong value, int[] fired)
    {
        Assert.Equal(fired, new Dr6(value).TriggeredBreakpoints);
    }

    [Fact]
    public void Single_step_task_switch_and_debug_register_access_have_their_own_bits()
    {
        Assert.True(new Dr6(0xFFFF_4FF0).SingleStep);
        Assert.True(new Dr6(0xFFFF_8FF0).TaskSwitch);
        Assert.True(new Dr6(0xFFFF_2FF0).DebugRegisterAccessDetected);
        Assert.True(new Dr6(0xFFFE_0FF0).InTransaction);
    }

    [Fact]
    public void Every_combination_round_trips_through_create()
    {
        for (var mask = 0; mask < 128; mask++)
        {
            var fired = Enumerable.Range(0, 4).Where(i => (mask & (1 << i)) != 0).ToArray();
            var dr6 = Dr6.Create(fired, singleStep: (mask & 16) != 0, taskSwitch: (mask & 32) != 0, debugRegisterAccess: (mask & 64) != 0);
            Assert.Equal(fired, dr6.TriggeredBreakpoints);
            Assert.Equal((mask & 16) != 0, dr6.SingleStep);
            Assert.Equal((mask & 32) != 0, dr6.TaskSwitch);
            Assert.Equal((mask & 64) != 0, dr6.DebugRegisterAccessDetected);
            Assert.Equal(0xFFFF_0FF0UL, dr6.Value & 0xFFFF_0FF0UL);
            var expected = (ulong)(uint)(mask & 15) | ((mask & 16) != 0 ? 1UL << 14 : 0) | ((mask & 32) != 0 ? 1UL << 15 : 0) | ((mask & 64) != 0 ? 1UL << 13 : 0);
            Assert.Equal(expected, dr6.Value & 0xF00F);
        }
    }
}
