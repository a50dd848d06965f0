using Framework.Plugins.VectorTransports.Transports;

namespace Framework.Plugins.VectorTransports.Tests.Interop;

/// <summary>Frames for interop tests and the loops that move them through our transports.</summary>
internal static class Traffic
{
    private static readonly int[] Sizes = [60, 1514, 333, 64, 1000, 14, 590, 1513];

    /// <summary><paramref name="count"/> distinct frames of mixed sizes (minimum to 1514), seeds from <paramref name="firstSeed"/>.</summary>
    public static byte[][] Frames(int count, int firstSeed) =>
        Enumerable.Range(0, count).Select(i => TestFrames.Ethernet(Math.Max(Sizes[i % Sizes.Length], 18), firstSeed + i)).ToArray();

    /// <summary>Asserts that <paramref name="actual"/> holds exactly <paramref name="expected"/>, in order, saying
    /// what differs and adding <paramref name="context"/> (QEMU's stderr, counters) to the message.</summary>
    public static void AssertFrames(IReadOnlyList<byte[]> expected, IReadOnlyList<byte[]> actual, Func<string> context)
    {
        for (var i = 0; i < Math.Max(expected.Count, actual.Count); i++)
        {
            if (i >= actual.Count || i >= expected.Count || !expected[i].AsSpan().SequenceEqual(actual[i]))
            {
                Assert.Fail(
                    $"{actual.Count} of {expected.Count} frames arrived; frame {i} differs or is missing " +
                    $"(expected seed {(i < expected.Count ? TestFrames.SeedOf(expected[i]) : -1)}, " +
                    $"got {(i < actual.Count ? Convert.ToHexString(actual[i].AsSpan(0, Math.Min(actual[i].Length, 32))) : "nothing")}). {context()}");
            }
        }
    }
}
