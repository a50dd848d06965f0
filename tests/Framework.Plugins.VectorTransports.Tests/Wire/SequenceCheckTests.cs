using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Tests.Wire;

public sealed class SequenceCheckTests
{
    [Fact]
    public void Newer_values_pass_late_and_repeated_ones_are_dropped_across_the_wrap()
    {
        var check = default(SequenceCheck);
        Assert.True(check.Accept(0xffff_fffe));
        Assert.True(check.Accept(0xffff_ffff));
        Assert.True(check.Accept(2)); // wrapped: newer in serial arithmetic
        Assert.False(check.Accept(2)); // repeated
        Assert.False(check.Accept(0xffff_ffff)); // late, from before the wrap
        Assert.True(check.Accept(5)); // a gap is fine: lost frames are not ours to wait for
        Assert.False(check.Accept(3));
        Assert.True(check.Accept(6));
    }

    [Fact]
    public void Zero_is_a_pinned_or_reset_peer_and_always_passes()
    {
        var check = default(SequenceCheck);
        Assert.True(check.Accept(100));
        Assert.True(check.Accept(0));
        Assert.True(check.Accept(0));
        Assert.True(check.Accept(1));
    }

    [Fact]
    public void A_peer_restarting_far_behind_the_window_is_followed_at_once()
    {
        var check = default(SequenceCheck);
        Assert.True(check.Accept(1_000_000));
        Assert.True(check.Accept(1));
        Assert.True(check.Accept(2));
        Assert.False(check.Accept(1));
    }

    [Fact]
    public void Inside_the_window_a_run_of_late_values_is_taken_as_a_restart_and_a_shorter_one_is_not()
    {
        var check = default(SequenceCheck);
        Assert.True(check.Accept(SequenceCheck.ReorderWindow));
        for (uint v = 1; v < SequenceCheck.RestartRun; v++)
        {
            Assert.False(check.Accept(v));
        }

        Assert.True(check.Accept(SequenceCheck.RestartRun));
        Assert.True(check.Accept(SequenceCheck.RestartRun + 1));

        // A newer value between late ones ends the run: reordering alone never resyncs.
        var reordered = default(SequenceCheck);
        Assert.True(reordered.Accept(500));
        for (var i = 0; i < 10 * SequenceCheck.RestartRun; i++)
        {
            Assert.False(reordered.Accept((uint)(490 + i)));
            Assert.True(reordered.Accept((uint)(501 + i)));
        }
    }
}
