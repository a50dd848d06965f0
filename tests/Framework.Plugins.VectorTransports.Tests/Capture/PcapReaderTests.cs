using FsCheck;
using FsCheck.Fluent;
using Framework.Plugins.VectorTransports.Capture;

namespace Framework.Plugins.VectorTransports.Tests.Capture;

public sealed class PcapReaderTests
{
    [Fact]
    public void The_bundled_sample_is_seven_Ethernet_frames()
    {
        var frames = PcapReader.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Samples", "sample-frames.pcap")));
        Assert.Equal([60, 60, 98, 98, 74, 1506, 60], frames.Select(f => f.Length));
    }

    [Fact]
    public void Written_files_read_back()
    {
        var frames = new[] { TestFrames.Ethernet(60, 1), TestFrames.Ethernet(1514, 2) };
        Assert.Equal(frames, PcapReader.Parse(PcapReader.Write(frames)));
    }

    [Fact]
    public void Malformed_files_fail_with_the_offset()
    {
        var good = PcapReader.Write([TestFrames.Ethernet(60, 1)]);
        Assert.Equal(0, Assert.Throws<PcapFormatException>(() => PcapReader.Parse(good.AsSpan(0, 10))).Offset);
        Assert.Equal(24, Assert.Throws<PcapFormatException>(() => PcapReader.Parse(good.AsSpan(0, 30))).Offset);
        Assert.Equal(40, Assert.Throws<PcapFormatException>(() => PcapReader.Parse(good.AsSpan(0, 50))).Offset);
        var badMagic = good.ToArray();
        badMagic[0] = 0;
        Assert.Throws<PcapFormatException>(() => PcapReader.Parse(badMagic));
        var badLink = good.ToArray();
        badLink[20] = 113;
        Assert.Equal(20, Assert.Throws<PcapFormatException>(() => PcapReader.Parse(badLink)).Offset);
        var huge = good.ToArray();
        huge[24 + 8 + 3] = 0x7f;
        Assert.Throws<PcapFormatException>(() => PcapReader.Parse(huge));
    }

    [Fact]
    public void Random_files_parse_or_fail_with_a_typed_error() =>
        Prop.ForAll<byte[]>(bytes =>
        {
            var file = PcapReader.Write([]).Concat(bytes).ToArray();
            try
            {
                return PcapReader.Parse(file).Sum(f => f.Length + 16) == bytes.Length;
            }
            catch (PcapFormatException)
            {
                return true;
            }
        }).QuickCheckThrowOnFailure();
}
