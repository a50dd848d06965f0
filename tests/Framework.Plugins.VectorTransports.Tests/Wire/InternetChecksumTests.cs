using Framework.Plugins.VectorTransports.Wire;

namespace Framework.Plugins.VectorTransports.Tests.Wire;

public sealed class InternetChecksumTests
{
    [Fact]
    public void The_word_at_a_time_sum_equals_the_plain_RFC_1071_sum_at_every_length_and_alignment()
    {
        var random = new Random(1071);
        var data = new byte[4200];
        random.NextBytes(data);
        for (var offset = 0; offset < 8; offset++)
        {
            for (var length = 0; length < 300; length++)
            {
                var span = data.AsSpan(offset, length);
                Assert.Equal(SuperFrames.Fold(SuperFrames.Sum(span)), InternetChecksum.Sum(span));
            }
        }

        Assert.Equal(SuperFrames.Fold(SuperFrames.Sum(data)), InternetChecksum.Sum(data));
        var ones = Enumerable.Repeat((byte)0xFF, 65_536).ToArray();
        Assert.Equal(0xFFFF, InternetChecksum.Sum(ones));
        Assert.Equal(0, InternetChecksum.Sum([]));
    }
}
