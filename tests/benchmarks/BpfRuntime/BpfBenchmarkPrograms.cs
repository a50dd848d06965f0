using System.Text;

namespace Framework.Benchmarks.BpfRuntime;

/// <summary>The programs the bpf-runtime benchmarks run.</summary>
public static class BpfBenchmarkPrograms
{
    /// <summary>Loop iterations of the mix.</summary>
    public const int MixIterations = 1000;

    /// <summary>A 98-instruction loop body of ALU operations, branches and stack loads and stores
    /// (8 blocks of 12 plus the loop's add and branch), run <see cref="MixIterations"/> times, with
    /// 6 instructions before the loop and 5 after it.</summary>
    public static string Mix()
    {
        var text = new StringBuilder();
        text.Append("mov %r0, 0\nmov %r1, 1\nmov %r2, 2\nmov %r3, 3\nmov %r4, 4\nmov %r9, 0\nloop:\n");
        for (var block = 0; block < 8; block++)
        {
            text.Append("""
                add %r0, %r1
                xor %r2, %r0
                lsh %r3, 3
                rsh %r3, 1
                mul %r4, 3
                stxdw [%r10-8], %r0
                ldxdw %r5, [%r10-8]
                jgt %r5, %r2, +1
                sub %r5, 1
                and %r5, 0xffff
                stxw [%r10-16], %r5
                ldxw %r1, [%r10-16]

                """);
        }

        text.Append(System.Globalization.CultureInfo.InvariantCulture, $"add %r9, 1\njlt %r9, {MixIterations}, loop\nxor %r0, %r1\nxor %r0, %r2\nxor %r0, %r3\nxor %r0, %r4\nexit\n");
        return text.ToString();
    }

    /// <summary>The same computation in C#, the baseline.</summary>
    public static ulong MixNative()
    {
        ulong r0 = 0, r1 = 1, r2 = 2, r3 = 3, r4 = 4, r5;
        Span<byte> stack = stackalloc byte[16];
        for (var i = 0; i < MixIterations; i++)
        {
            for (var block = 0; block < 8; block++)
            {
                r0 += r1;
                r2 ^= r0;
                r3 <<= 3;
                r3 >>= 1;
                r4 *= 3;
                BitConverter.TryWriteBytes(stack[8..], r0);
                r5 = BitConverter.ToUInt64(stack[8..]);
                if (!(r5 > r2))
                {
                    r5 -= 1;
                }

                r5 &= 0xffff;
                BitConverter.TryWriteBytes(stack, (uint)r5);
                r1 = BitConverter.ToUInt32(stack);
            }
        }

        return r0 ^ r1 ^ r2 ^ r3 ^ r4;
    }

    /// <summary>The bpf_conformance folder next to the repository root, or null.</summary>
    public static string? ConformanceDirectory()
    {
        var root = RepositoryRoot.TryFind();
        var suite = root is null || Directory.GetParent(root) is not { } above ? null : Path.Combine(above.FullName, "shared", "conformance", "bpf");
        return suite is not null && Directory.Exists(suite) ? suite : Environment.GetEnvironmentVariable("BPF_CONFORMANCE_DIR");
    }
}
