using System.Globalization;
using Framework.Abstractions.Commands;
using Framework.Abstractions.Files;
using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Conformance;
using Framework.Plugins.BpfRuntime.Isa;
using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Programs;
using Framework.Plugins.BpfRuntime.Syscall;
using Microsoft.Extensions.DependencyInjection;

namespace Framework.Plugins.BpfRuntime.Cli;

/// <summary>
/// The <c>bpf</c> verb: asm, disasm, run, conformance, conformance-plugin, helpers and map
/// sub-commands. Handlers resolve the plugin's <see cref="BpfSystem"/> from the command's services.
/// </summary>
internal static class BpfCommands
{
    public static PluginCommand Create(Func<Stream> standardInput)
    {
        var root = new PluginCommand("bpf", "eBPF runtime: assemble, disassemble, run programs, run the conformance suite, inspect pinned maps");

        var asm = new PluginCommand("asm", "Assemble bpf_conformance-syntax text into raw bytecode");
        asm.Arguments.Add(new PluginArgument("file", "The assembler source (.s)"));
        asm.Options.Add(new PluginOption("--output", "The bytecode file to write", Required: true, Aliases: "-o"));
        asm.Handler = (c, _) => Guard(c, () => Asm(c));
        root.Subcommands.Add(asm);

        var disasm = new PluginCommand("disasm", "Disassemble raw bytecode (or check assembler text) into assembler text");
        disasm.Arguments.Add(new PluginArgument("file", "The bytecode (.bin) or object file"));
        disasm.Handler = (c, _) => Guard(c, () => Disasm(c));
        root.Subcommands.Add(disasm);

        var run = new PluginCommand("run", "Load and run a program (bytecode or assembler text) over a data file");
        run.Arguments.Add(new PluginArgument("program", "The program: raw bytecode, base16 text or assembler text"));
        run.Options.Add(new PluginOption("--type", "Program type: xdp, socket-filter, kprobe or test (default: test, or what an ELF section name implies)"));
        run.Options.Add(new PluginOption("--data", "The packet (xdp, socket-filter), register block (kprobe) or memory (test)"));
        run.Options.Add(new PluginOption("--repeat", "How many times to run", DefaultValue: "1"));
        run.Options.Add(new PluginOption("--map", "A pinned map path, opened in order as fds 3, 4, ... (map_fd(3) in the program); repeatable, or comma-separated") { Many = true });
        run.Options.Add(new PluginOption("--license", "The license string", DefaultValue: "GPL"));
        run.Options.Add(new PluginOption("--section", "For ELF objects: the program section (default: the first)"));
        run.Options.Add(new PluginOption("--engine", "jit (the default), interpreter, or kernel (bpf(2) and BPF_PROG_TEST_RUN; needs CAP_BPF)", DefaultValue: "jit"));
        run.Handler = (c, token) => Guard(c, () => Run(c, token));
        root.Subcommands.Add(run);

        var verify = new PluginCommand("verify", "Run the verifier over a program (assembler, bytecode or an ELF object's sections) and print its log; exit code 0 accepted, 1 rejected");
        verify.Arguments.Add(new PluginArgument("program", "The program: an ELF object (every program section, or --section), assembler text or bytecode"));
        verify.Options.Add(new PluginOption("--log", "Print the full log: every processed instruction with its registers", IsFlag: true));
        verify.Options.Add(new PluginOption("--type", "Program type: xdp, socket-filter, kprobe or test (default: test, or what an ELF section name implies)"));
        verify.Options.Add(new PluginOption("--section", "For ELF objects: only this program section"));
        verify.Options.Add(new PluginOption("--map", "A pinned map path, opened in order as fds 3, 4, ... (map_fd(3) in the program); repeatable, or comma-separated") { Many = true });
        verify.Options.Add(new PluginOption("--unprivileged", "Verify as for a caller without CAP_BPF (no loops, no pointer leaks)", IsFlag: true));
        verify.Handler = (c, _) => Guard(c, () => Verify(c));
        root.Subcommands.Add(verify);

        var conformance = new PluginCommand("conformance", "Run every bpf_conformance test file (*.data) in a folder");
        conformance.Arguments.Add(new PluginArgument("dir", "The folder of .data files"));
        conformance.Handler = (c, token) => Guard(c, () => Conformance(c, token));
        root.Subcommands.Add(conformance);

        var plugin = new PluginCommand("conformance-plugin", "Speak the bpf_conformance runner's plugin protocol: program on stdin, r0 in hex on stdout");
        plugin.Arguments.Add(new PluginArgument("memory", "The memory block as base16 bytes", Required: false));
        plugin.Arguments.Add(new PluginArgument("options", "Further runner options (ignored)", Required: false, Many: true));
        plugin.Options.Add(new PluginOption("--elf", "The program is an ELF object", IsFlag: true));
        plugin.Options.Add(new PluginOption("--engine", "jit (the default), interpreter, or kernel (bpf(2) and BPF_PROG_TEST_RUN; needs CAP_BPF)", DefaultValue: "jit"));
        plugin.Handler = (c, _) => Task.FromResult(ConformancePlugin(c, standardInput));
        root.Subcommands.Add(plugin);

        var helpers = new PluginCommand("helpers", "List the helpers programs may call");
        helpers.Handler = (c, _) => Guard(c, () => Helpers(c));
        root.Subcommands.Add(helpers);

        var fuzz = new PluginCommand("fuzz-diff", "Run random valid programs in the kernel, the interpreter and the JIT and report any difference");
        fuzz.Options.Add(new PluginOption("--count", "How many programs", DefaultValue: "5000"));
        fuzz.Options.Add(new PluginOption("--seed", "The first seed (program i uses seed + i)", DefaultValue: "1"));
        fuzz.Handler = (c, _) => Guard(c, () => FuzzDiff(c));
        root.Subcommands.Add(fuzz);

        root.Subcommands.Add(MapCommands());
        return root;
    }

    private static PluginCommand MapCommands()
    {
        var map = new PluginCommand("map", "Create and inspect pinned maps (the pin folder is Plugins:bpf-runtime:System:PinDirectory)");

        var list = new PluginCommand("list", "List pinned maps");
        list.Handler = (c, _) => Guard(c, () => MapList(c));
        map.Subcommands.Add(list);

        var create = new PluginCommand("create", "Create a map and pin it");
        create.Arguments.Add(new PluginArgument("path", "The pin path, such as /counters"));
        create.Options.Add(new PluginOption("--type", "hash, array, percpu-hash, percpu-array or lru-hash", DefaultValue: "hash"));
        create.Options.Add(new PluginOption("--key-size", "Key size in bytes", DefaultValue: "4"));
        create.Options.Add(new PluginOption("--value-size", "Value size in bytes", DefaultValue: "8"));
        create.Options.Add(new PluginOption("--max-entries", "Capacity", DefaultValue: "1024"));
        create.Options.Add(new PluginOption("--flags", "map_flags as a number", DefaultValue: "0"));
        create.Handler = (c, _) => Guard(c, () => MapCreate(c));
        map.Subcommands.Add(create);

        var dump = new PluginCommand("dump", "Print every entry of a pinned map");
        dump.Arguments.Add(new PluginArgument("path", "The pin path"));
        dump.Handler = (c, _) => Guard(c, () => MapDump(c));
        map.Subcommands.Add(dump);

        var lookup = new PluginCommand("lookup", "Print the value of one key");
        lookup.Arguments.Add(new PluginArgument("path", "The pin path"));
        lookup.Arguments.Add(new PluginArgument("key", "The key as hex bytes"));
        lookup.Handler = (c, _) => Guard(c, () => MapLookup(c));
        map.Subcommands.Add(lookup);

        var update = new PluginCommand("update", "Create or update one element");
        update.Arguments.Add(new PluginArgument("path", "The pin path"));
        update.Arguments.Add(new PluginArgument("key", "The key as hex bytes"));
        update.Arguments.Add(new PluginArgument("value", "The value as hex bytes"));
        update.Options.Add(new PluginOption("--flags", "any, noexist or exist", DefaultValue: "any"));
        update.Handler = (c, _) => Guard(c, () => MapUpdate(c));
        map.Subcommands.Add(update);

        var delete = new PluginCommand("delete", "Delete one element");
        delete.Arguments.Add(new PluginArgument("path", "The pin path"));
        delete.Arguments.Add(new PluginArgument("key", "The key as hex bytes"));
        delete.Handler = (c, _) => Guard(c, () => MapDelete(c));
        map.Subcommands.Add(delete);

        var unpin = new PluginCommand("unpin", "Remove a pin (the map is freed with its last reference)");
        unpin.Arguments.Add(new PluginArgument("path", "The pin path"));
        unpin.Handler = (c, _) => Guard(c, () =>
        {
            System(c).Unpin(c.GetArgument("path")!);
            return 0;
        });
        map.Subcommands.Add(unpin);
        return map;
    }

    private static Task<int> Guard(CommandContext context, Func<int> body)
    {
        try
        {
            return Task.FromResult(body());
        }
        catch (BpfException e)
        {
            context.Console.Error.WriteLine($"{context.CommandPath}: {e.Message}");
            return Task.FromResult(1);
        }
        catch (InvalidDataException e)
        {
            context.Console.Error.WriteLine($"{context.CommandPath}: {e.Message}");
            return Task.FromResult(1);
        }
        catch (IOException e)
        {
            throw new CommandFailedException($"{context.CommandPath}: {e.Message}", e);
        }
    }

    private static BpfSystem System(CommandContext c) => c.Services.GetRequiredService<BpfSystem>();

    private static int Asm(CommandContext c)
    {
        var file = c.GetExistingFile("file");
        var output = c.GetOption("--output") ?? throw new CommandUsageException($"{c.CommandPath}: --output is required.");
        var code = BpfAssembler.Assemble(InputFile.ReadAllText(file, "file", InputFile.SmallLimit));
        BpfDecoder.Validate(code);
        OutputFile.WriteAllBytes(output, "--output", BpfInstruction.Encode(code));
        c.Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{code.Length} instructions, {code.Length * 8} bytes written to {output}"));
        return 0;
    }

    private static int Disasm(CommandContext c)
    {
        var bytes = InputFile.ReadAllBytes(c.GetExistingFile("file"), "file", InputFile.SmallLimit);
        if (Elf.BpfElfObject.IsElf(bytes))
        {
            var elf = Elf.BpfElfObject.Parse(bytes);
            foreach (var program in elf.Programs)
            {
                c.Console.Out.WriteLine($"# section {program.Section} ({program.Type}), license '{elf.License}'");
                c.Console.Out.Write(BpfDisassembler.Disassemble(program.Instructions));
            }

            return 0;
        }

        if (bytes.Length % 8 != 0)
        {
            throw new BpfException(BpfErrno.EINVAL, $"{bytes.Length} bytes is not a whole number of 8-byte instructions", bytes.Length / 8);
        }

        var code = new BpfInstruction[bytes.Length / 8];
        for (var i = 0; i < code.Length; i++)
        {
            code[i] = BpfInstruction.Read(bytes.AsSpan(i * 8));
        }

        c.Console.Out.Write(BpfDisassembler.Disassemble(code));
        return 0;
    }

    private static int Run(CommandContext c, CancellationToken cancellationToken)
    {
        var engine = ParseEngine(c);
        if (engine is null)
        {
            return RunInKernel(c);
        }

        var system = System(c);
        var file = c.GetExistingFile("program");
        var type = ParseProgramType(c.GetOption("--type") ?? "test");
        var data = c.GetOption("--data") is not null ? InputFile.ReadAllBytes(c.GetExistingFile("--data"), "--data", InputFile.DataLimit) : [];
        var repeat = (int)c.GetInt64("--repeat", 1, 1, int.MaxValue);
        var handles = new List<BpfHandle>();
        try
        {
            foreach (var path in c.GetArguments("--map").SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                handles.Add(system.GetPinned(path));
            }

            var bytes = InputFile.ReadAllBytes(file, "program", InputFile.SmallLimit);
            using var program = Elf.BpfElfObject.IsElf(bytes)
                ? Elf.BpfElfObject.Parse(bytes).Load(system, c.GetOption("--section"), c.GetOption("--type") is null ? null : type)
                : system.LoadProgram(new BpfProgramLoadAttributes
            {
                Type = type,
                Instructions = ProgramFile.Parse(bytes, file),
                License = c.GetOption("--license") ?? "GPL",
                KernelVersion = system.Options.KernelVersion != 0 ? system.Options.KernelVersion : BpfSystem.RunningKernelVersion,
                Name = SafeName(Path.GetFileNameWithoutExtension(file)),
            });
            var result = program.Program.TestRun(data, repeat, engine.Value, cancellationToken);
            c.Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"return value: 0x{result.ReturnValue:x} ({(long)result.ReturnValue})"));
            c.Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"instructions: {result.InstructionsExecuted}, mean duration: {result.Duration.TotalMicroseconds:0.###} us over {repeat} run(s)"));
            system.SyncPins();
            return 0;
        }
        finally
        {
            foreach (var handle in handles)
            {
                handle.Dispose();
            }
        }
    }

    private static int Verify(CommandContext c)
    {
        var system = System(c);
        var file = c.GetExistingFile("program");
        var typeOption = c.GetOption("--type");
        var type = ParseProgramType(typeOption ?? "test");
        var logLevel = c.HasFlag("--log") ? 1 : 0;
        var bytes = InputFile.ReadAllBytes(file, "program", InputFile.SmallLimit);
        var handles = new List<BpfHandle>();
        try
        {
            foreach (var path in c.GetArguments("--map").SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                handles.Add(system.GetPinned(path));
            }

            if (Elf.BpfElfObject.IsElf(bytes))
            {
                var elf = Elf.BpfElfObject.Parse(bytes);
                var sections = c.GetOption("--section") is { } only ? [only] : elf.Programs.Select(p => p.Section).ToArray();
                var rejected = 0;
                foreach (var section in sections)
                {
                    c.Console.Out.WriteLine($"# section {section}");
                    rejected += VerifyOne(c, () => elf.Load(system, section, typeOption is null ? null : type, logLevel)) ? 0 : 1;
                }

                return rejected == 0 ? 0 : 1;
            }

            var code = ProgramFile.Parse(bytes, file);
            return VerifyOne(c, () => system.LoadProgram(new BpfProgramLoadAttributes
            {
                Type = type,
                Instructions = code,
                License = "GPL",
                KernelVersion = system.Options.KernelVersion != 0 ? system.Options.KernelVersion : BpfSystem.RunningKernelVersion,
                Name = SafeName(Path.GetFileNameWithoutExtension(file)),
                Privileged = !c.HasFlag("--unprivileged"),
                LogLevel = logLevel,
            })) ? 0 : 1;
        }
        finally
        {
            foreach (var handle in handles)
            {
                handle.Dispose();
            }
        }
    }

    /// <summary>Loads (and so verifies) one program, prints the log and the verdict; true when accepted.</summary>
    private static bool VerifyOne(CommandContext c, Func<BpfProgramHandle> load)
    {
        try
        {
            using var program = load();
            var result = program.Program.Verification!;
            c.Console.Out.Write(result.Log);
            c.Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"accepted: {result.ProcessedInstructions} instructions processed, {result.ProvenAccesses} accesses proven in bounds, {result.Elapsed.TotalMicroseconds:0} us"));
            return true;
        }
        catch (BpfException e) when (e.VerifierLog is not null)
        {
            c.Console.Out.Write(e.VerifierLog);
            c.Console.Out.WriteLine($"rejected: {e.Message}");
            return false;
        }
    }

    private static int Conformance(CommandContext c, CancellationToken cancellationToken)
    {
        var dir = c.GetArgument("dir") ?? throw new CommandUsageException($"{c.CommandPath}: dir is required.");
        if (!Directory.Exists(dir))
        {
            throw new CommandUsageException($"{c.CommandPath}: no such folder '{dir}'.");
        }

        var outcomes = new ConformanceRunner(System(c)).RunDirectory(dir, cancellationToken);
        foreach (var o in outcomes)
        {
            c.Console.Out.WriteLine(o.Passed ? $"PASS {o.Name}" : $"FAIL {o.Name}: {o.Detail}");
        }

        var passed = outcomes.Count(o => o.Passed);
        c.Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{passed} passed, {outcomes.Count - passed} failed"));
        return passed == outcomes.Count ? 0 : 1;
    }

    private static int ConformancePlugin(CommandContext c, Func<Stream> standardInput)
    {
        BpfEngine? engine;
        try
        {
            engine = ParseEngine(c);
        }
        catch (CommandUsageException e)
        {
            c.Console.Error.WriteLine(e.Message);
            return 2;
        }

        try
        {
            var memory = c.GetArgument("memory") is { Length: > 0 } hex ? ProgramFile.ParseHex(hex, "memory") : [];
            using var input = standardInput();
            var bytes = InputFile.ReadAll(input, "standard input", InputFile.SmallLimit);
            var text = global::System.Text.Encoding.ASCII.GetString(bytes);
            if (ProgramFile.TryParseBase16(text, out var raw))
            {
                bytes = raw;
            }

            if (engine is null)
            {
                return ConformancePluginInKernel(c, bytes, memory);
            }

            using var program = c.HasFlag("--elf") || Elf.BpfElfObject.IsElf(bytes)
                ? Elf.BpfElfObject.Parse(bytes).Load(System(c), type: BpfProgramType.Test)
                : System(c).LoadProgram(new BpfProgramLoadAttributes { Type = BpfProgramType.Test, Instructions = ProgramFile.Parse(bytes, "stdin"), License = "GPL", Verify = false });
            var r0 = program.Program.Run(memory, engine.Value);
            c.Console.Out.WriteLine(r0.ToString("x", CultureInfo.InvariantCulture));
            return 0;
        }
        catch (Exception e) when (e is BpfException or InvalidDataException or FormatException or CommandUsageException or CommandFailedException)
        {
            c.Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    /// <summary>The --engine option: a userspace engine, or null for the kernel.</summary>
    private static BpfEngine? ParseEngine(CommandContext c) => (c.GetOption("--engine") ?? "jit").ToLowerInvariant() switch
    {
        "jit" => BpfEngine.Jit,
        "interpreter" => BpfEngine.Interpreter,
        "kernel" => null,
        var other => throw new CommandUsageException($"{c.CommandPath}: unknown engine '{other}' (jit, interpreter, kernel)."),
    };

    /// <summary><c>bpf run --engine kernel</c>: loads into the running kernel; <c>--map</c> paths are
    /// bpffs pins, and <c>map_fd(3)</c>, <c>map_fd(4)</c>, ... name them in order.</summary>
    private static int RunInKernel(CommandContext c)
    {
        var file = c.GetExistingFile("program");
        var type = ParseProgramType(c.GetOption("--type") ?? "xdp");
        var data = c.GetOption("--data") is not null ? InputFile.ReadAllBytes(c.GetExistingFile("--data"), "--data", InputFile.DataLimit) : new byte[64];
        var repeat = (int)c.GetInt64("--repeat", 1, 1, int.MaxValue);
        var bytes = InputFile.ReadAllBytes(file, "program", InputFile.SmallLimit);
        using var kernel = new Kernel.KernelBpfSystem();
        if (Elf.BpfElfObject.IsElf(bytes))
        {
            if (c.GetArguments("--map").Count > 0)
            {
                throw new CommandUsageException($"{c.CommandPath}: --map names maps for assembler programs; an object brings its own maps.");
            }

            using var loaded = Elf.BpfElfObject.Parse(bytes).LoadIntoKernel(kernel, c.GetOption("--section"), c.GetOption("--type") is null ? null : type);
            return PrintKernelRun(c, loaded.TestRun(data, repeat), repeat);
        }

        var fds = c.GetArguments("--map").SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(path => kernel.GetPinnedMap(path).Fd)
            .ToArray();
        var code = ProgramFile.Parse(bytes, file).ToArray();
        for (var i = 0; i < code.Length; i++)
        {
            // map_fd(3 + n) names the n-th --map, as in the userspace runtime.
            if (code[i].Opcode == BpfOpcode.LdDw && code[i].Src is BpfOpcode.PseudoMapFd or BpfOpcode.PseudoMapValue)
            {
                var index = code[i].Imm - 3;
                if (index < 0 || index >= fds.Length)
                {
                    throw new BpfException(BpfErrno.EBADF, $"map_fd({code[i].Imm}) names no --map (3 is the first of {fds.Length})", i);
                }

                code[i] = code[i] with { Src = code[i].Src == BpfOpcode.PseudoMapFd ? BpfOpcode.PseudoMapIdx : BpfOpcode.PseudoMapIdxValue, Imm = index };
            }

            if (code[i].Opcode == BpfOpcode.LdDw)
            {
                i++;
            }
        }

        using var program = kernel.LoadProgram(new BpfProgramLoadAttributes
        {
            Type = type,
            Instructions = code,
            License = c.GetOption("--license") ?? "GPL",
            KernelVersion = BpfSystem.RunningKernelVersion,
            Name = SafeName(Path.GetFileNameWithoutExtension(file)),
            MapDescriptors = fds,
        });
        return PrintKernelRun(c, program.TestRun(data, repeat), repeat);
    }

    private static int PrintKernelRun(CommandContext c, BpfRunResult result, int repeat)
    {
        c.Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"return value: 0x{result.ReturnValue:x} ({(int)result.ReturnValue}, the kernel reports the low 32 bits)"));
        c.Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mean duration: {result.DurationNanoseconds:0} ns over {repeat} run(s) (kernel JIT)"));
        return 0;
    }

    /// <summary><c>conformance-plugin --engine kernel</c>: the program runs as XDP over a 64-byte
    /// packet; a memory block cannot be handed to the kernel, and r0 comes back as 32 bits.</summary>
    private static int ConformancePluginInKernel(CommandContext c, byte[] bytes, byte[] memory)
    {
        if (memory.Length > 0)
        {
            throw new BpfException(BpfErrno.ENOTSUPP, "the kernel cannot run a program over a raw memory block (BPF_PROG_TEST_RUN takes a packet): use --engine jit or interpreter for tests with memory");
        }

        using var kernel = new Kernel.KernelBpfSystem();
        using var program = c.HasFlag("--elf") || Elf.BpfElfObject.IsElf(bytes)
            ? Elf.BpfElfObject.Parse(bytes).LoadIntoKernel(kernel, type: BpfProgramType.Xdp)
            : kernel.LoadProgram(new BpfProgramLoadAttributes { Type = BpfProgramType.Xdp, Instructions = ProgramFile.Parse(bytes, "stdin"), License = "GPL" });
        var r0 = program.TestRun(new byte[64]).ReturnValue;
        c.Console.Out.WriteLine(r0.ToString("x", CultureInfo.InvariantCulture));
        return 0;
    }

    private static int FuzzDiff(CommandContext c)
    {
        var count = c.GetInt64("--count", 5000);
        var seed = c.GetInt64("--seed", 1);
        if (count < 1 || seed < int.MinValue || seed + count > int.MaxValue)
        {
            throw new CommandUsageException($"{c.CommandPath}: --count must be positive and --seed + --count fit in 32 bits.");
        }

        using var runner = new Differential.DifferentialRunner();
        if (runner.KernelUnavailable is { } reason)
        {
            c.Console.Error.WriteLine($"the kernel does not take part ({reason}): comparing the interpreter and the JIT only");
        }

        using var progress = c.Console.StartProgress("programs", count);
        var start = global::System.Diagnostics.Stopwatch.GetTimestamp();
        var differed = 0;
        for (var i = 0L; i < count; i++)
        {
            var outcome = runner.Run((int)(seed + i));
            if (!outcome.Agreed)
            {
                differed++;
                c.Console.Out.WriteLine(outcome.ToString());
            }

            progress.Report(i + 1);
        }

        var elapsed = global::System.Diagnostics.Stopwatch.GetElapsedTime(start);
        c.Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} programs, {differed} differed, {elapsed.TotalSeconds:0.0} s ({(runner.KernelUnavailable is null ? "kernel, interpreter, jit" : "interpreter, jit")})"));
        return differed == 0 ? 0 : 1;
    }

    private static int Helpers(CommandContext c)
    {
        var rows = System(c).Helpers.All.Select(h => (IReadOnlyList<string>)
        [
            h.Prototype.Id.ToString(CultureInfo.InvariantCulture),
            "bpf_" + h.Prototype.Name,
            string.Join(", ", h.Prototype.Arguments),
            h.Prototype.GplOnly ? "yes" : "no",
        ]);
        c.Console.WriteTable("helpers", ["id", "name", "arguments", "gpl only"], rows);
        return 0;
    }

    private static int MapList(CommandContext c)
    {
        var system = System(c);
        var paths = new SortedSet<string>(system.PinnedPaths, StringComparer.Ordinal);

        // A pin folder not made yet holds no pins; a file in its place is a broken setting, not an
        // empty list.
        if (system.Options.PinDirectory is { Length: > 0 } folder && File.Exists(folder))
        {
            throw new CommandFailedException($"{c.CommandPath}: the pin folder '{folder}' (Plugins:bpf-runtime:System:PinDirectory) is a file, not a folder.");
        }

        if (system.Options.PinDirectory is { } dir && Directory.Exists(dir))
        {
            foreach (var file in Directory.GetFiles(dir, "*.map", SearchOption.AllDirectories))
            {
                paths.Add("/" + Path.GetRelativePath(dir, file)[..^4].Replace('\\', '/'));
            }
        }

        var rows = new List<IReadOnlyList<string>>();
        foreach (var path in paths)
        {
            using var handle = system.GetPinned(path);
            if (handle is BpfMapHandle m)
            {
                rows.Add([path, m.Map.Type.ToString(), Str(m.Map.KeySize), Str(m.Map.ValueSize), Str(m.Map.MaxEntries), Str(m.Map.Entries().Count())]);
            }
        }

        c.Console.WriteTable("pinned maps", ["path", "type", "key size", "value size", "max entries", "entries"], rows);
        return 0;
    }

    private static int MapCreate(CommandContext c)
    {
        var system = System(c);
        var path = c.GetArgument("path")!;
        var type = (c.GetOption("--type") ?? "hash").ToLowerInvariant() switch
        {
            "hash" => BpfMapType.Hash,
            "array" => BpfMapType.Array,
            "percpu-hash" => BpfMapType.PerCpuHash,
            "percpu-array" => BpfMapType.PerCpuArray,
            "lru-hash" => BpfMapType.LruHash,
            var other => throw new CommandUsageException($"{c.CommandPath}: unknown map type '{other}' (hash, array, percpu-hash, percpu-array, lru-hash)."),
        };
        var name = SafeName(path.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "map");
        using var handle = system.CreateMap(new BpfMapDefinition(
            type,
            (int)c.GetInt64("--key-size", 4, 1, int.MaxValue),
            (int)c.GetInt64("--value-size", 8, 1, int.MaxValue),
            (int)c.GetInt64("--max-entries", 1024, 1, int.MaxValue),
            (BpfMapFlags)c.GetInt64("--flags", 0),
            name));
        system.Pin(path, handle);
        c.Console.Out.WriteLine($"created {type} map '{handle.Map.Name}' pinned at {path}");
        return 0;
    }

    private static int MapDump(CommandContext c)
    {
        using var handle = OpenMap(c);
        var rows = handle.Map.Entries().Select(e => (IReadOnlyList<string>)[ProgramFile.Hex(e.Key), ProgramFile.Hex(e.Value)]).ToList();
        c.Console.WriteTable($"{c.GetArgument("path")} ({handle.Map.Type}, {rows.Count} entries)", ["key", "value"], rows);
        return 0;
    }

    private static int MapLookup(CommandContext c)
    {
        using var handle = OpenMap(c);
        var value = handle.Map.Lookup(ProgramFile.ParseHex(c.GetArgument("key")!, "key"));
        c.Console.Out.WriteLine(ProgramFile.Hex(value));
        return 0;
    }

    private static int MapUpdate(CommandContext c)
    {
        using var handle = OpenMap(c);
        var flags = (c.GetOption("--flags") ?? "any").ToLowerInvariant() switch
        {
            "any" => BpfMapUpdateFlags.Any,
            "noexist" => BpfMapUpdateFlags.NoExist,
            "exist" => BpfMapUpdateFlags.Exist,
            var other => throw new CommandUsageException($"{c.CommandPath}: unknown flags '{other}' (any, noexist, exist)."),
        };
        handle.Map.Update(ProgramFile.ParseHex(c.GetArgument("key")!, "key"), ProgramFile.ParseHex(c.GetArgument("value")!, "value"), flags);
        System(c).SyncPins();
        return 0;
    }

    private static int MapDelete(CommandContext c)
    {
        using var handle = OpenMap(c);
        handle.Map.Delete(ProgramFile.ParseHex(c.GetArgument("key")!, "key"));
        System(c).SyncPins();
        return 0;
    }

    private static BpfMapHandle OpenMap(CommandContext c)
    {
        var handle = System(c).GetPinned(c.GetArgument("path")!);
        if (handle is BpfMapHandle map)
        {
            return map;
        }

        handle.Dispose();
        throw new BpfException(BpfErrno.EINVAL, $"'{c.GetArgument("path")}' is not a map");
    }

    internal static BpfProgramType ParseProgramType(string text) => text.ToLowerInvariant() switch
    {
        "xdp" => BpfProgramType.Xdp,
        "socket-filter" or "socket_filter" or "socket" => BpfProgramType.SocketFilter,
        "kprobe" => BpfProgramType.Kprobe,
        "test" => BpfProgramType.Test,
        _ => throw new CommandUsageException($"unknown program type '{text}' (xdp, socket-filter, kprobe, test)."),
    };

    private static string SafeName(string name)
    {
        var safe = new string(name.Where(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.').Take(15).ToArray());
        return safe.Length == 0 ? "prog" : safe;
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);
}
