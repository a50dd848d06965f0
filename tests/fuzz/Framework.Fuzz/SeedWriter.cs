using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Isa;
using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Syscall;
using Framework.Plugins.Elf2Dmp.Conversion;
using Framework.Plugins.HwbpX86.Plans;
using Framework.Plugins.UserEvents.Definitions;
using Framework.Plugins.UserEvents.EventHeader;
using Framework.Plugins.UserEvents.Payload;
using Framework.Plugins.VectorTransports.Bridge;
using Framework.Plugins.VectorTransports.Transports;
using Framework.Plugins.VectorTransports.Wire;
using Framework.Plugins.VectorTransports.Wire.Segmentation;

namespace Framework.Fuzz;

/// <summary>
/// Writes the seed corpora (tests/fuzz/corpus/&lt;target&gt;): valid inputs made with the project's own
/// writers (assembler, EventHeader builder, pinned-map writer, encapsulations, slot plans) or taken
/// from its bundled samples, small so that afl-fuzz mutates them quickly. Run by hand when a format
/// changes: <c>dotnet run --project tests/fuzz/Framework.Fuzz -- write-seeds tests/fuzz/corpus</c>.
/// </summary>
public static class SeedWriter
{
    private const int Page = 4096;

    /// <summary>Writes every target's seeds under <paramref name="corpus"/>.</summary>
    public static void Write(string corpus)
    {
        var repo = Path.GetFullPath(Path.Combine(corpus, "..", "..", ".."));
        void Seed(string target, string name, ReadOnlySpan<byte> bytes)
        {
            var folder = Path.Combine(corpus, target);
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, name), bytes.ToArray());
        }

        void Text(string target, string name, string text) => Seed(target, name, Encoding.UTF8.GetBytes(text));
        string Repo(string path) => Path.Combine(repo, path);

        // elf2dmp: the bundled sample guest with its all-zero pages left out (absent guest memory),
        // the same dump's notes over one page, the kernel image carved from its memory, the sample
        // PDB, and the crash dump the converter makes of the sparse guest.
        var guest = File.ReadAllBytes(Repo("plugins/elf2dmp/Sample/guest.elf"));
        var sparse = SparseGuest(guest, (_, page) => page.ContainsAnyExcept((byte)0));
        Seed("elf2dmp-qemu-elf", "sample-guest-sparse.elf", sparse);
        Seed("elf2dmp-qemu-elf", "sample-guest-notes.elf", SparseGuest(guest, (_, _) => false));
        Seed("elf2dmp-pe", "sample-kernel.exe", KernelImage(guest));
        Seed("elf2dmp-pdb", "ntkrnlmp.pdb", File.ReadAllBytes(Repo("plugins/elf2dmp/Sample/symbols/ntkrnlmp.pdb/DFFF8BF0695A1E874C4C44205044422E1/ntkrnlmp.pdb")));
        // The converter also writes into all-zero pages (the CPU contexts): those it names are kept too.
        var wanted = new HashSet<ulong>();
        var dmp = ScratchFile.Fresh("sparse.dmp");
        for (var attempt = 0; ; attempt++)
        {
            var path = ScratchFile.Write("sparse.elf", SparseGuest(guest, (address, page) => page.ContainsAnyExcept((byte)0) || wanted.Contains(address)));
            try
            {
                new DumpConverter().ConvertAsync(path, dmp, new ConversionOptions { SymbolPath = Repo("plugins/elf2dmp/Sample/symbols") }).GetAwaiter().GetResult();
                break;
            }
            catch (Framework.Plugins.Elf2Dmp.Elf2DmpException e) when (attempt < 16 && System.Text.RegularExpressions.Regex.Match(e.Message, "physical 0x([0-9a-f]+)") is { Success: true } m)
            {
                wanted.Add(Convert.ToUInt64(m.Groups[1].Value, 16) & ~(ulong)(Page - 1));
            }
        }

        Seed("elf2dmp-dmp", "sample-guest-sparse.dmp", File.ReadAllBytes(dmp));
        Text("elf2dmp-symbol-path", "server", "srv*/var/cache/symbols*https://msdl.microsoft.com/download/symbols");
        Text("elf2dmp-symbol-path", "mixed", "cache*/tmp/cache;/opt/symbols;srv*https://symbols.example/");

        // bpf-runtime: programs as raw bytes and base16, assembler text, clang objects, BTF, pcap, a pinned map.
        var programs = new Dictionary<string, string>
        {
            ["return-one"] = "mov %r0, 1\nexit\n",
            ["packet-bytes"] = "ldxw %r2, [%r1+0]\nldxw %r3, [%r1+4]\nmov %r4, %r2\nadd %r4, 14\nmov %r0, 0\njgt %r4, %r3, out\nldxh %r0, [%r2+12]\nbe16 %r0\nout:\nexit\n",
            ["bounded-loop"] = "mov %r0, 0\nmov %r1, 10\nloop:\nadd %r0, %r1\nsub %r1, 1\njne %r1, 0, loop\nexit\n",
            ["stack-and-alu"] = "mov %r1, 7\nstxdw [%r10-8], %r1\nldxdw %r0, [%r10-8]\nmul %r0, 6\nlsh %r0, 2\narsh %r0, 1\nneg %r0\nmod32 %r0, 5\nexit\n",
        };
        foreach (var (name, text) in programs)
        {
            var bytes = BpfInstruction.Encode(BpfAssembler.Assemble(text));
            Seed("bpf-program", name + ".bin", bytes);
            Seed("bpf-program-jit", name + ".bin", bytes);
            Text("bpf-asm", name + ".s", text);
        }

        Text("bpf-program", "return-one.hex", Convert.ToHexString(BpfInstruction.Encode(BpfAssembler.Assemble(programs["return-one"]))));
        Text("bpf-program-jit", "return-one.hex", Convert.ToHexString(BpfInstruction.Encode(BpfAssembler.Assemble(programs["return-one"]))));
        Text("bpf-asm", "packet-counter.s", File.ReadAllText(Repo("plugins/bpf-runtime/Samples/packet-counter.s")));
        foreach (var source in Directory.GetFiles(Path.Combine(corpus, "..", "seeds"), "*.bpf.c"))
        {
            var name = Path.GetFileName(source)[..^".bpf.c".Length];
            var elf = CompileBpf(source);
            Seed("bpf-elf", name + ".o", elf);
            if (SectionOf(elf, ".BTF") is { } btf)
            {
                Seed("bpf-btf", name + ".btf", btf);
            }
        }

        Seed("bpf-pcap", "sample-packets.pcap", File.ReadAllBytes(Repo("plugins/bpf-runtime/Samples/sample-packets.pcap")));
        var pins = Path.Combine(ScratchFile.FolderPath, "seed-pins");
        Directory.CreateDirectory(pins);
        using (var system = new BpfSystem(new BpfSystemOptions { PinDirectory = pins }))
        {
            foreach (var type in new[] { BpfMapType.Hash, BpfMapType.Array })
            {
                using var map = system.CreateMap(new BpfMapDefinition(type, 4, 8, 4, Name: "seed"));
                for (var key = 0; key < 2; key++)
                {
                    map.Map.Update(BitConverter.GetBytes(key), BitConverter.GetBytes(0x1000L + key));
                }

                system.Pin($"/seed-{type.ToString().ToLowerInvariant()}", map);
            }
        }

        foreach (var file in Directory.GetFiles(pins, "*.map", SearchOption.AllDirectories))
        {
            Seed("bpf-pinned-map", Path.GetFileName(file), File.ReadAllBytes(file));
        }

        // vector-transports.
        Text("vector-spec", "l2tpv3", "transport=l2tpv3,udp=1,src=192.0.2.1,dst=192.0.2.2,srcport=1701,dstport=1701,rx_session=1,tx_session=1,cookie=1,cookie64=1,rx_cookie=0x1122,tx_cookie=0x3344,counter=1");
        Text("vector-spec", "gre", "transport=gre,src=2001:db8::1,dst=2001:db8::2,rx_key=7,tx_key=8,sequence=1,checksum=1,depth=32,mtu=1500");
        Text("vector-spec", "tap", "transport=tap,ifname=tap0,gro=1,vec=1,depth=64,headroom=32,mac=02:00:00:00:00:01");
        Text("vector-spec", "unix", "transport=unix,src=/run/a.sock,dst=/run/b.sock");
        Text("vector-spec", "raw", "vec0:transport=raw,ifname=eth0,bpffile=/etc/filter.bpf,bpfflash=1");
        Seed("vector-pcap", "sample-frames.pcap", File.ReadAllBytes(Repo("plugins/vector-transports/Samples/sample-frames.pcap")));
        var frame = TcpFrame(payload: 3000);
        foreach (var flavour in new byte[] { 0x00, 0x02 | 0x04, 0x02 | 0x04 | 0x20, 0x10, 0x01, 0x01 | 0x08 | 0x20, 0x01 | 0x02 | 0x08 | 0x10, 0x01 | 0x04 })
        {
            Seed("vector-packet", $"flavour-{flavour:x2}", [flavour, .. Encapsulate(flavour, frame.AsSpan(0, 60))]);
        }

        var gso = new byte[OffloadInfo.Size + frame.Length];
        new OffloadInfo(OffloadInfo.NeedsChecksumFlag, (byte)SegmentationType.TcpV4, 54, 1448, 34, 16).Write(gso);
        frame.CopyTo(gso, OffloadInfo.Size);
        Seed("vector-virtio-net", "tcp4-gso", gso);
        var whole = new byte[OffloadInfo.Size + 60];
        frame.AsSpan(0, 60).CopyTo(whole.AsSpan(OffloadInfo.Size));
        Seed("vector-virtio-net", "whole-frame", whole);
        Text("vector-socket-filter", "ip-only.txt", "4\n40 0 0 12\n21 0 1 2048\n6 0 0 262144\n6 0 0 0\n");
        Seed("vector-socket-filter", "ip-only.bin", SocketFilterBytes([(40, 0, 0, 12), (21, 0, 1, 2048), (6, 0, 0, 262144), (6, 0, 0, 0)]));
        var counters = new TransportSnapshot(10, 1000, 9, 900, 0, [.. new long[DropReasons.Count]], [1, 2], [3, 4]);
        var statsPath = ScratchFile.Fresh("bridges.json");
        BridgeStatsFile.Write(statsPath, [new BridgeSnapshot("sample", BridgeState.Forwarding,
            new BridgeSideSnapshot("A", "transport=unix,src=/run/a,dst=/run/b", true, counters, 0, null),
            new BridgeSideSnapshot("B", "transport=tap,ifname=tap0", false, counters, 2, "ENODEV"), 1, 0, "filter.bpf")]);
        Seed("vector-bridge-stats", "bridges.json", File.ReadAllBytes(statsPath));

        // user-events.
        foreach (var (name, line) in new[]
        {
            ("scalars", "fw_scalars u8 a; s16 b; u32 c; s64 d"),
            ("strings", "fw_strings char[16] name; __data_loc char[] path; __rel_loc char[] tag"),
            ("struct", "fw_struct struct point p 8; u32 after"),
        })
        {
            Text("user-events-definition", name, line);
        }

        Seed("user-events-eventheader", "everything", new EventHeaderBuilder()
            .Reset("Everything", 3, EventOpcode.ActivityStart, id: 7, version: 2, tag: 9)
            .SetActivity(new Guid("0f0e0d0c-0b0a-0908-0706-050403020100"), new Guid("00010203-0405-0607-0809-0a0b0c0d0e0f"))
            .AddInt32("v32", -5).AddUInt32("u32", 4000000000).AddInt64("v64", long.MinValue).AddHex64("hex", 0xabcdef)
            .AddFloat64("real", 1.5).AddBoolean("flag", true).AddZString("z8", "zero terminated").AddString("s8", "counted")
            .AddString16("s16", "wide").AddBinary("bin", [1, 2, 3])
            .AddArray("a", EventFieldEncoding.Value32, EventFieldFormat.Default, 2, new byte[8])
            .AddStruct("st", 2).AddZString("z", "q").AddStruct("inner", 1).AddUInt32("u", 1).Build());
        Seed("user-events-eventheader", "small", new EventHeaderBuilder().Reset("E", 4).AddUInt32("x", 1).Build());
        Text("user-events-eventheader", "tracepoint-name", "MyProvider_L5K2aGgroup");
        var definition = UserEventCommandParser.Parse("fwlab u8 a; char[4] k; __data_loc char[] f; __rel_loc char[] g; u32 h");
        if (!UserEventTextEncoder.TryEncode(definition, ["7", "abc", "dynamic", "relative", "42"], 0, out var write, out var encodeError))
        {
            throw new InvalidOperationException(encodeError.Message);
        }

        var format = """
            name: fwlab
            ID: 1734
            format:
            	field:unsigned short common_type;	offset:0;	size:2;	signed:0;
            	field:unsigned char common_flags;	offset:2;	size:1;	signed:0;
            	field:unsigned char common_preempt_count;	offset:3;	size:1;	signed:0;
            	field:int common_pid;	offset:4;	size:4;	signed:1;

            	field:u8 a;	offset:8;	size:1;	signed:0;
            	field:char k[4];	offset:9;	size:4;	signed:1;
            	field:__data_loc char[] f;	offset:13;	size:4;	signed:1;
            	field:__rel_loc char g[];	offset:17;	size:4;	signed:1;
            	field:u32 h;	offset:21;	size:4;	signed:0;

            print fmt: "a=%u k=%s f=%s g=%s h=%u", REC->a, REC->k, __get_str(f), __get_rel_str(g), REC->h
            """;
        var raw = new byte[8 + write.Length - 4];
        BinaryPrimitives.WriteUInt16LittleEndian(raw, 1734);
        BinaryPrimitives.WriteInt32LittleEndian(raw.AsSpan(4), 4242);
        write.AsSpan(4).CopyTo(raw.AsSpan(8));
        Seed("user-events-perf-record", "sample-and-lost", [.. Encoding.UTF8.GetBytes(format), 0, .. PerfSample(raw), .. PerfLost(3)]);

        // hwbp-x86.
        var plan = """
            [{"op":"open","name":"a","cpu":0,"type":"w","len":8,"pinned":true},
             {"op":"open","name":"b","task":"t1","type":"rw","len":4},
             {"op":"open","name":"c","cpu":1,"task":"t1","type":"x","len":1},
             {"op":"modify","name":"a","type":"rw","len":4},
             {"op":"close","name":"b"}]
            """u8;
        Seed("hwbp-slot-plan", "plan.json", SlotPlan.Parse(plan).ToJson() is var json ? Encoding.UTF8.GetBytes(json) : []);
        foreach (var source in Directory.GetFiles(Path.Combine(corpus, "..", "seeds"), "*.elf.c"))
        {
            Seed("hwbp-elf-symbols", Path.GetFileName(source)[..^".elf.c".Length], CompileElf(source));
        }

        Seed("hwbp-perf-record", "samples-and-lost", [.. BreakpointSample(0x401000, 0x601040, 0), .. BreakpointSample(0x401010, 0x601048, 1), .. PerfLost(2)]);

        // host.
        var manifests = Directory.GetFiles(Repo("host/bin"), "plugin.json", SearchOption.AllDirectories);
        foreach (var id in new[] { "bpf-runtime", "hwbp-x86" })
        {
            var manifest = manifests.First(m => Path.GetFileName(Path.GetDirectoryName(m)) == id);
            Seed("host-plugin-manifest", id + ".json", File.ReadAllBytes(manifest));
        }

        Seed("host-config", "appsettings.json", File.ReadAllBytes(Repo("host/appsettings.json")));
        Text("host-config", "host.json", """
            {"Host":{"LoadBundledPlugins":false,"PluginPaths":["/opt/plugins"],"Disabled":["hwbp-x86"],"Pins":{"elf2dmp":"1.0.0"},
             "Timeouts":{"Start":"00:00:05","Stop":"00:00:02"},"Telemetry":{"MetricExportIntervalMilliseconds":1000}},
             "Plugins":{"vector-transports":{"Bridges":{}},"bpf-runtime":{"MemlockLimit":1048576}}}
            """);
    }

    private delegate bool PageFilter(ulong address, ReadOnlySpan<byte> page);

    private static byte[] SparseGuest(byte[] elf, PageFilter keepPage)
    {
        var phoff = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(32));
        var phnum = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(56));
        byte[]? note = null;
        var pages = new List<(ulong Address, byte[] Bytes)>();
        for (var i = 0; i < phnum; i++)
        {
            var ph = elf.AsSpan(phoff + (i * 56), 56);
            var type = BinaryPrimitives.ReadUInt32LittleEndian(ph);
            var offset = (int)BinaryPrimitives.ReadUInt64LittleEndian(ph[8..]);
            var address = BinaryPrimitives.ReadUInt64LittleEndian(ph[24..]);
            var size = (int)BinaryPrimitives.ReadUInt64LittleEndian(ph[32..]);
            if (type == 4)
            {
                note = elf.AsSpan(offset, size).ToArray();
                continue;
            }

            for (var at = 0; at < size; at += Page)
            {
                var page = elf.AsSpan(offset + at, Page);
                if (keepPage(address + (ulong)at, page))
                {
                    pages.Add((address + (ulong)at, page.ToArray()));
                }
            }
        }

        if (pages.Count == 0)
        {
            pages.Add((0, new byte[Page]));
        }

        var count = 1 + pages.Count;
        var dataAt = 64 + (count * 56);
        var pagesAt = (dataAt + note!.Length + Page - 1) / Page * Page;
        var output = new byte[pagesAt + (pages.Count * Page)];
        elf.AsSpan(0, 64).CopyTo(output);
        BinaryPrimitives.WriteUInt64LittleEndian(output.AsSpan(32), 64);
        BinaryPrimitives.WriteUInt16LittleEndian(output.AsSpan(56), (ushort)count);
        BinaryPrimitives.WriteUInt64LittleEndian(output.AsSpan(40), 0);
        BinaryPrimitives.WriteUInt16LittleEndian(output.AsSpan(60), 0);
        void Header(int index, uint type, int offset, ulong address, int size)
        {
            var ph = output.AsSpan(64 + (index * 56), 56);
            BinaryPrimitives.WriteUInt32LittleEndian(ph, type);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[8..], (ulong)offset);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[24..], address);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[32..], (ulong)size);
            BinaryPrimitives.WriteUInt64LittleEndian(ph[40..], (ulong)size);
        }

        Header(0, 4, dataAt, 0, note.Length);
        note.CopyTo(output, dataAt);
        for (var i = 0; i < pages.Count; i++)
        {
            Header(i + 1, 1, pagesAt + (i * Page), pages[i].Address, Page);
            pages[i].Bytes.CopyTo(output, pagesAt + (i * Page));
        }

        return output;
    }

    /// <summary>The PE image the sample guest's kernel occupies: the first physical page that starts with "MZ" and its SizeOfImage.</summary>
    private static byte[] KernelImage(byte[] guest)
    {
        var at = guest.AsSpan().IndexOf("MZ\u0090\0"u8);
        if (at < 0)
        {
            at = guest.AsSpan().IndexOf("MZ"u8);
        }

        var lfanew = BinaryPrimitives.ReadInt32LittleEndian(guest.AsSpan(at + 0x3c));
        var sizeOfImage = BinaryPrimitives.ReadInt32LittleEndian(guest.AsSpan(at + lfanew + 24 + 56));
        return guest.AsSpan(at, Math.Min(sizeOfImage, guest.Length - at)).ToArray();
    }

    private static byte[] TcpFrame(int payload)
    {
        var frame = new byte[54 + payload];
        frame.AsSpan(0, 6).Fill(0xff);
        frame.AsSpan(6, 6).Fill(0x02);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), 0x0800);
        frame[14] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(16), (ushort)(40 + payload));
        frame[22] = 64;
        frame[23] = 6;
        new byte[] { 192, 0, 2, 1, 192, 0, 2, 2 }.CopyTo(frame, 26);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(24), InternetChecksum.Sum(frame.AsSpan(14, 20)));
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(34), 40000);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(36), 80);
        frame[46] = 0x50;
        frame[47] = 0x18;
        for (var i = 54; i < frame.Length; i++)
        {
            frame[i] = (byte)i;
        }

        return frame;
    }

    /// <summary>A datagram as the peer would send it for <c>vector-packet</c>'s flavour byte: the encapsulation's own
    /// header writer, with the IPv4 header a raw socket delivers in front where the flavour asks for one.</summary>
    private static byte[] Encapsulate(byte flavour, ReadOnlySpan<byte> frame)
    {
        IEncapsulation sender = (flavour & 1) == 0
            ? new GreEncapsulation((flavour & 2) != 0 ? 0x0d0c0b0au : null, (flavour & 2) != 0 ? 0x0a0b0c0du : null, (flavour & 4) != 0, (flavour & 8) != 0, false, (flavour & 32) != 0)
            : new L2tpv3Encapsulation((flavour & 2) != 0, false, 0x04030201, 0x01020304, (flavour & 8) != 0 ? 0x44332211ul : null, (flavour & 8) != 0 ? 0x11223344ul : null, (flavour & 16) != 0, (flavour & 32) != 0, (flavour & 64) != 0);
        var ipv4 = (flavour & 1) == 0 ? (flavour & 16) != 0 : (flavour & 4) != 0;
        var ip = ipv4 ? 20 : 0;
        var datagram = new byte[ip + sender.HeaderSize + frame.Length];
        if (ipv4)
        {
            datagram[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), (ushort)datagram.Length);
            datagram[8] = 64;
            datagram[9] = (byte)((flavour & 1) == 0 ? 47 : 115);
        }

        sender.WriteHeader(datagram.AsSpan(ip, sender.HeaderSize), frame);
        frame.CopyTo(datagram.AsSpan(ip + sender.HeaderSize));
        return datagram;
    }

    private static byte[] SocketFilterBytes((ushort Code, byte Jt, byte Jf, uint K)[] program)
    {
        var bytes = new byte[program.Length * 8];
        for (var i = 0; i < program.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 8), program[i].Code);
            bytes[(i * 8) + 2] = program[i].Jt;
            bytes[(i * 8) + 3] = program[i].Jf;
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((i * 8) + 4), program[i].K);
        }

        return bytes;
    }

    /// <summary>PERF_RECORD_SAMPLE of a tracepoint sampled with TID | TIME | CPU | RAW.</summary>
    private static byte[] PerfSample(byte[] raw)
    {
        var size = (8 + 28 + raw.Length + 7) / 8 * 8;
        var record = new byte[size];
        BinaryPrimitives.WriteUInt32LittleEndian(record, 9);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(6), (ushort)size);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(8), 4242);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(12), 4242);
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(16), 123456789);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(24), 1);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(32), raw.Length);
        raw.CopyTo(record, 36);
        return record;
    }

    /// <summary>PERF_RECORD_LOST: id and count.</summary>
    private static byte[] PerfLost(ulong lost)
    {
        var record = new byte[24];
        BinaryPrimitives.WriteUInt32LittleEndian(record, 2);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(6), 24);
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(16), lost);
        return record;
    }

    /// <summary>PERF_RECORD_SAMPLE of a breakpoint sampled with IP | TID | TIME | ADDR | CPU.</summary>
    private static byte[] BreakpointSample(ulong ip, ulong address, int cpu)
    {
        var record = new byte[48];
        BinaryPrimitives.WriteUInt32LittleEndian(record, 9);
        BinaryPrimitives.WriteUInt16LittleEndian(record.AsSpan(6), 48);
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(8), ip);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(16), 100);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(20), 101);
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(24), 5000);
        BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(32), address);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(40), cpu);
        return record;
    }

    private static byte[] CompileBpf(string source) => Compile("clang", ["-g", "-O2", "-target", "bpf", "-c", source]);

    private static byte[] CompileElf(string source) =>
        Compile("gcc", ["-Os", "-nostdlib", "-static", "-fno-asynchronous-unwind-tables", "-Wl,--build-id=none", "-Wl,-z,norelro", source]);

    private static byte[] Compile(string compiler, string[] arguments)
    {
        var output = ScratchFile.Fresh("seed.out");
        using var process = Process.Start(new ProcessStartInfo(compiler, [.. arguments, "-o", output]) { RedirectStandardError = true })!;
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{compiler} failed: {errors}");
        }

        if (compiler == "clang")
        {
            return File.ReadAllBytes(output);
        }

        // Strip what a symbol lookup never reads, keeping .symtab and .strtab.
        using (var strip = Process.Start(new ProcessStartInfo("strip", ["--strip-debug", "-R", ".comment", output]))!)
        {
            strip.WaitForExit();
        }

        return File.ReadAllBytes(output);
    }

    /// <summary>The bytes of the ELF64 section named <paramref name="name"/>, or null.</summary>
    private static byte[]? SectionOf(byte[] elf, string name)
    {
        var shoff = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(40));
        var shnum = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(60));
        var shstrndx = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(62));
        var names = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(shoff + (shstrndx * 64) + 24));
        for (var i = 0; i < shnum; i++)
        {
            var sh = elf.AsSpan(shoff + (i * 64), 64);
            var nameAt = names + (int)BinaryPrimitives.ReadUInt32LittleEndian(sh);
            var end = elf.AsSpan(nameAt).IndexOf((byte)0);
            if (Encoding.ASCII.GetString(elf, nameAt, end) == name)
            {
                return elf.AsSpan((int)BinaryPrimitives.ReadUInt64LittleEndian(sh[24..]), (int)BinaryPrimitives.ReadUInt64LittleEndian(sh[32..])).ToArray();
            }
        }

        return null;
    }
}
