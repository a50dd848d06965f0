namespace Framework.EndToEnd.Tests.Hostile;

/// <summary>What an output path names decides what happens, the same in every command (the
/// contract's OutputFile): a directory, a block device or a socket is refused (exit 2); a character
/// device or a FIFO is written through; a symlink is followed and its target replaced, the link
/// kept; a regular file is replaced atomically, so a full disk leaves the old file and no
/// temporary file behind.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class OutputPathTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_directory_as_output_is_a_usage_error_without_a_stack_trace()
    {
        Directory.CreateDirectory(_scratch["out"]);

        var asm = await Scratch.Run("bpf", "asm", _scratch.Program, "-o", _scratch["out"]);
        var convert = await Scratch.Run("elf2dmp", "convert", _scratch.Program, _scratch["out"]);

        Assert.True(asm.ExitCode == 2, asm.ToString());
        Assert.Contains("is a directory", asm.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", asm.Error + convert.Error, StringComparison.Ordinal);
        Assert.NotEqual(0, convert.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(_scratch["out"]));
    }

    [RootFact]
    public async Task A_block_device_as_output_is_refused_and_stays_a_device()
    {
        var node = _scratch["disk"];
        Scratch.Shell("mknod", node, "b", "7", "200");   // a loop device number: the node itself is what matters

        var result = await Scratch.Run("bpf", "asm", _scratch.Program, "-o", node);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("block device", result.Error, StringComparison.Ordinal);
        Assert.Equal("block special file", StatType(node));
    }

    [RootFact]
    public async Task A_character_device_as_output_is_written_through_and_stays_a_device()
    {
        var node = _scratch["null"];
        Scratch.Shell("mknod", node, "c", "1", "3");      // /dev/null's numbers, in our own folder

        var result = await Scratch.Run("bpf", "asm", _scratch.Program, "-o", node);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("character special file", StatType(node));
        Assert.Empty(Directory.GetFiles(_scratch.Root, ".*.tmp"));
    }

    [Fact]
    public async Task Dev_null_as_output_works_and_is_not_replaced()
    {
        var result = await Scratch.Run("bpf", "asm", _scratch.Program, "-o", "/dev/null");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("character special file", StatType("/dev/null"));
    }

    [Fact]
    public async Task A_fifo_as_output_is_written_through_to_its_reader()
    {
        var fifo = _scratch["pipe"];
        Scratch.Shell("mkfifo", fifo);
        var reader = Task.Run(() => File.ReadAllBytes(fifo));

        var result = await Scratch.Run("bpf", "asm", _scratch.Program, "-o", fifo);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(16, (await reader.WaitAsync(TimeSpan.FromSeconds(30))).Length);
        Assert.Equal("fifo", StatType(fifo));
    }

    [Fact]
    public async Task A_symlink_as_output_is_followed_and_kept()
    {
        var target = _scratch["real.bin"];
        File.WriteAllText(target, "old");
        var link = _scratch["link.bin"];
        File.CreateSymbolicLink(link, target);

        var result = await Scratch.Run("bpf", "asm", _scratch.Program, "-o", link);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("symbolic link", StatType(link));
        Assert.Equal(16, new FileInfo(target).Length);
    }

    [Fact]
    public async Task A_replaced_file_keeps_its_permissions_and_no_temporary_file_remains()
    {
        var output = _scratch["keep.bin"];
        File.WriteAllText(output, "old");
        File.SetUnixFileMode(output, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var result = await Scratch.Run("bpf", "asm", _scratch.Program, "-o", output);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(output));
        Assert.Empty(Directory.GetFiles(_scratch.Root, ".*.tmp"));
    }

    [Fact]
    public async Task An_output_in_a_missing_folder_is_a_usage_error()
    {
        var result = await Scratch.Run("bpf", "asm", _scratch.Program, "-o", _scratch["no/such/folder/x.bin"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("no such folder", result.Error, StringComparison.Ordinal);
    }

    [RootFact]
    public async Task A_full_disk_fails_with_exit_1_and_leaves_the_old_file_and_no_partial_file()
    {
        var disk = _scratch["small"];
        Directory.CreateDirectory(disk);
        Scratch.Shell("mount", "-t", "tmpfs", "-o", "size=64k", "framework-test", disk);
        try
        {
            var output = Path.Combine(disk, "big.bin");
            File.WriteAllText(output, "old");
            var source = _scratch["big.s"];
            File.WriteAllText(source, string.Concat(Enumerable.Repeat("mov %r0, 1\n", 20_000)) + "exit\n");   // 160 KB of bytecode

            var result = await Scratch.Run("bpf", "asm", source, "-o", output);

            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Contains("big.bin", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
            Assert.Equal("old", File.ReadAllText(output));
            Assert.Equal(["big.bin"], Directory.GetFileSystemEntries(disk).Select(Path.GetFileName));
        }
        finally
        {
            Scratch.Shell("umount", disk);
        }
    }

    private static string StatType(string path)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%F", path]) { RedirectStandardOutput = true })!;
        var text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return text;
    }
}
