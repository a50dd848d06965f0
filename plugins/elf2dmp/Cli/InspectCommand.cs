using System.Buffers.Binary;
using System.Globalization;
using Framework.Abstractions.Commands;
using Framework.Plugins.Elf2Dmp.Dump;
using Framework.Plugins.Elf2Dmp.Kernel;

namespace Framework.Plugins.Elf2Dmp.Cli;

/// <summary><c>framework elf2dmp inspect &lt;file.dmp&gt; [--translate VA]...</c>.</summary>
internal static class InspectCommand
{
    // A FILETIME past 9999-12-31 (DateTime's end) is shown as the raw number it is.
    private static readonly ulong s_lastFileTime = (ulong)DateTime.MaxValue.ToFileTimeUtc();

    public static PluginCommand Create()
    {
        var command = new PluginCommand("inspect", "Read a 64-bit full kernel dump back: header fields, memory runs, and address translation.");
        command.Arguments.Add(new PluginArgument("dump", "The .dmp file."));
        command.Options.Add(new PluginOption("--translate", "A virtual address (hex) to translate through the dump's page tables; repeatable, or comma-separated.", Aliases: "-t") { Many = true });
        command.Handler = (context, _) => Task.FromResult(Run(context));
        return command;
    }

    private static int Run(CommandContext context)
    {
        var path = context.GetExistingFile("dump");
        var addresses = new List<ulong>();
        // Several addresses come comma-separated: the contract's options take one value each.
        foreach (var text in context.GetArguments("--translate").SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
            if (!ulong.TryParse(digits.Replace("`", string.Empty, StringComparison.Ordinal), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var address))
            {
                throw new CommandUsageException($"{context.CommandPath}: --translate expects a hexadecimal address, got '{text}'.");
            }

            addresses.Add(address);
        }

        try
        {
            using var dump = DumpFile.Open(path);
            Write(context.Console, dump, addresses);
            return 0;
        }
        catch (Elf2DmpException ex)
        {
            context.Console.Error.WriteLine($"elf2dmp: {path}: {ex.Message}");
            return 1;
        }
    }

    /// <summary>Writes the report; shared with the bundled sample job.</summary>
    public static void Write(ICommandConsole console, DumpFile dump, IReadOnlyList<ulong> addresses)
    {
        var h = dump.Header;
        static string X(ulong value) => $"0x{value:x16}";
        var kdbgTag = new byte[4];
        var tag = dump.KernelSpace.TryRead(h.KdDebuggerDataBlock + KdDebuggerData.OwnerTagOffset, kdbgTag)
            ? System.Text.Encoding.ASCII.GetString(kdbgTag)
            : "(unreadable)";
        console.WriteTable("Dump header", ["Field", "Value"], new List<IReadOnlyList<string>>
        {
            new[] { "Signature", "PAGE DU64" },
            new[] { "MajorVersion.MinorVersion", $"{h.MajorVersion}.{h.MinorVersion}" },
            new[] { "DirectoryTableBase", X(h.DirectoryTableBase) },
            new[] { "PfnDataBase", X(h.PfnDataBase) },
            new[] { "PsLoadedModuleList", X(h.PsLoadedModuleList) },
            new[] { "PsActiveProcessHead", X(h.PsActiveProcessHead) },
            new[] { "MachineImageType", $"0x{h.MachineImageType:x}" },
            new[] { "NumberProcessors", h.NumberProcessors.ToString(CultureInfo.InvariantCulture) },
            new[] { "BugCheckCode", $"0x{h.BugCheckCode:x}" },
            new[] { "KdDebuggerDataBlock", $"{X(h.KdDebuggerDataBlock)} (OwnerTag {tag})" },
            new[] { "DumpType", h.DumpType == DumpHeader64.DumpTypeFull ? "1 (full)" : h.DumpType.ToString(CultureInfo.InvariantCulture) },
            new[] { "RequiredDumpSpace", $"0x{h.RequiredDumpSpace:x}" },
            new[] { "SystemTime", FormatTime(h.SystemTime) },
            new[] { "ProductType", h.ProductType.ToString(CultureInfo.InvariantCulture) },
            new[] { "SuiteMask", $"0x{h.SuiteMask:x}" },
            new[] { "Comment", h.Comment },
            new[] { "Context (CPU 0) RIP", X(BinaryPrimitives.ReadUInt64LittleEndian(h.ContextRecord.AsSpan(ProcessorContext.RipOffset))) },
        });

        var rows = new List<IReadOnlyList<string>>();
        for (var i = 0; i < h.Runs.Count; i++)
        {
            var run = h.Runs[i];
            rows.Add([i.ToString(CultureInfo.InvariantCulture), X(run.BasePage * 0x1000), $"0x{run.PageCount:x}", $"{run.PageCount * 4} KB"]);
        }

        rows.Add(["total", string.Empty, $"0x{h.NumberOfPages:x}", $"{h.NumberOfPages * 4} KB"]);
        console.WriteTable("Physical memory runs", ["Run", "Physical address", "Pages", "Size"], rows);

        if (addresses.Count > 0)
        {
            var translations = new List<IReadOnlyList<string>>();
            foreach (var address in addresses)
            {
                var t = dump.KernelSpace.Translate(address);
                translations.Add([X(address), string.Join(" ", t.Entries.Select(e => $"{e:x}")),
                    t.PhysicalAddress is { } pa ? X(pa) : "-",
                    t.IsMapped ? PageSize(t.PageSize) : t.Failure ?? "unmapped"]);
            }

            console.WriteTable($"Translation through DTB {X(h.DirectoryTableBase)}", ["Virtual", "Entries (PML4E PDPTE PDE PTE)", "Physical", "Page"], translations);
        }
    }

    private static string PageSize(ulong size) => size switch
    {
        0x1000 => "4 KB",
        0x20_0000 => "2 MB",
        0x4000_0000 => "1 GB",
        _ => $"0x{size:x}",
    };

    private static string FormatTime(ulong fileTime) =>
        fileTime > 0 && fileTime <= s_lastFileTime
            ? DateTime.FromFileTimeUtc((long)fileTime).ToString("u", CultureInfo.InvariantCulture)
            : $"0x{fileTime:x}";
}
