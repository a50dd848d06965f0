using System.Text;
using Framework.Plugins.BpfRuntime.Maps;

namespace Framework.Benchmarks.BpfEngines;

/// <summary>The four XDP programs of issue 15's performance section, in assembler text, and the packet
/// they run over (an IPv4/TCP frame from 10.0.0.5). Map references are <c>map_idx(0)</c>: a hash map.</summary>
internal static class EnginePrograms
{
    public static readonly string[] Names = ["parser", "map", "loop", "alu"];

    public static readonly BpfMapDefinition HashMap = new(BpfMapType.Hash, 4, 8, 1024, Name: "bench");

    public static string Source(string name) => name switch
    {
        // (a) About 20 instructions: bounds check, EtherType, protocol, a field of the IP header.
        "parser" => """
            ldxw %r2, [%r1]
            ldxw %r3, [%r1+4]
            mov %r4, %r2
            add %r4, 34
            jgt %r4, %r3, pass
            ldxh %r5, [%r2+12]
            jne %r5, 0x0008, pass
            ldxb %r5, [%r2+23]
            jeq %r5, 6, tcp
            jeq %r5, 17, udp
            mov %r0, 2
            exit
            tcp:
            ldxw %r5, [%r2+26]
            rsh %r5, 24
            jgt %r5, 10, drop
            mov %r0, 2
            exit
            udp:
            mov %r0, 3
            exit
            drop:
            mov %r0, 1
            exit
            pass:
            mov %r0, 2
            exit
            """,

        // (b) A hash lookup and an update per run.
        "map" => """
            stw [%r10-4], 7
            lddw %r1, map_idx(0)
            mov %r2, %r10
            add %r2, -4
            call 1
            mov %r6, 1
            jeq %r0, 0, miss
            ldxdw %r6, [%r0]
            add %r6, 1
            miss:
            stxdw [%r10-16], %r6
            lddw %r1, map_idx(0)
            mov %r2, %r10
            add %r2, -4
            mov %r3, %r10
            add %r3, -16
            mov %r4, 0
            call 2
            mov %r0, 2
            exit
            """,

        // (c) A 1,000-iteration loop.
        "loop" => """
            mov %r0, 0
            mov %r1, 1000
            loop:
            add %r0, %r1
            xor %r0, 0x5a
            sub %r1, 1
            jne %r1, 0, loop
            and %r0, 3
            exit
            """,

        // (d) About 4,000 straight-line ALU instructions, each depending on the last, starting from
        // a byte of the packet: from a constant, a compiler that folds constants (the .NET JIT does)
        // would compute the whole chain at compile time and the run would measure nothing.
        "alu" => Alu(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown program"),
    };

    public static byte[] Packet()
    {
        var packet = new byte[64];
        packet[12] = 0x08; // EtherType IPv4
        packet[14] = 0x45;
        packet[23] = 6; // TCP
        packet[26] = 10; // source 10.0.0.5
        packet[29] = 5;
        return packet;
    }

    private static string Alu()
    {
        var text = new StringBuilder("""
            ldxw %r2, [%r1]
            ldxw %r3, [%r1+4]
            mov %r4, %r2
            add %r4, 14
            jgt %r4, %r3, short
            ldxb %r0, [%r2+12]

            """);
        for (var i = 0; i < 1000; i++)
        {
            text.Append("mul %r0, 0x9e37\nadd %r0, ").Append(i).Append("\nxor %r0, 0x5bd1\nrsh %r0, 1\n");
        }

        return text.Append("and %r0, 3\nexit\nshort:\nmov %r0, 2\nexit\n").ToString();
    }
}
