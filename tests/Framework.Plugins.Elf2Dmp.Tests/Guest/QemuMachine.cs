using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Framework.Plugins.Elf2Dmp.Tests.Guest;

/// <summary>
/// A real qemu-system-x86_64 (TCG) booting the multiboot stub, with the synthetic guest's memory blocks
/// placed by <c>-device loader</c>, driven over QMP (a Unix socket): dumps are taken with
/// <c>dump-guest-memory</c> exactly as an operator would.
/// </summary>
public sealed class QemuMachine : IAsyncDisposable
{
    public const ulong ParamsAddress = 0x1f0000;

    /// <summary>Where the stub builds its PML4 (the kernel DTB of the real dump).</summary>
    public const ulong StubPageTables = 0x1c0000;
    private readonly Process _process;
    private readonly Socket _socket;
    private readonly StreamReader _reader;
    private readonly string _debugLog;
    private readonly StringBuilder _stderr = new();

    private QemuMachine(Process process, Socket socket, string debugLog)
    {
        _process = process;
        _socket = socket;
        _debugLog = debugLog;
        _reader = new StreamReader(new NetworkStream(socket, ownsSocket: false), Encoding.UTF8);
    }

    public static string BuildStub()
    {
        var folderIn = Path.Combine(AppContext.BaseDirectory, "Guest");
        var source = File.ReadAllText(Path.Combine(folderIn, "stub.s")) + File.ReadAllText(Path.Combine(folderIn, "stub.ld"));
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..16];
        var folder = Path.Combine(Path.GetTempPath(), "framework-elf2dmp-stub", key);
        var stub = Path.Combine(folder, "stub.elf");
        if (File.Exists(stub))
        {
            return stub;
        }

        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(folderIn, "stub.s"), Path.Combine(folder, "stub.s"), overwrite: true);
        File.Copy(Path.Combine(folderIn, "stub.ld"), Path.Combine(folder, "stub.ld"), overwrite: true);
        KernelImageBuilder.Run("clang", "--target=i386-pc-none-elf -c stub.s -o stub.o", folder);
        KernelImageBuilder.Run("ld.lld", "-m elf_i386 -T stub.ld -o stub.elf.tmp stub.o", folder);
        File.Move(Path.Combine(folder, "stub.elf.tmp"), stub, overwrite: true);
        return stub;
    }

    /// <summary>Starts the VM paused at the reset vector (-S).</summary>
    public static async Task<QemuMachine> StartAsync(string folder, SyntheticGuest guest, int cpus)
    {
        var stub = BuildStub();
        var args = new List<string>
        {
            "-machine", "pc", "-accel", "tcg", "-cpu", "max", "-smp", cpus.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-m", "16M", "-nodefaults", "-display", "none", "-no-reboot", "-S",
            "-kernel", stub,
            "-debugcon", "file:" + Path.Combine(folder, "debugcon.log"),
            "-qmp", "unix:" + Path.Combine(folder, "qmp.sock") + ",server=on,wait=off",
        };
        var index = 0;
        foreach (var (address, bytes) in guest.Memory.Blocks)
        {
            var file = Path.Combine(folder, $"block{index++}.bin");
            await File.WriteAllBytesAsync(file, bytes);
            args.AddRange(["-device", $"loader,file={file},addr=0x{address:x},force-raw=on"]);
        }

        // What the stub needs to build its page tables and IDT and to load its GS bases (see stub.s).
        ulong[] values =
        [
            0, SyntheticGuest.IdtVa, SyntheticGuest.KpcrOf(0), 0xd0_0000_0000UL, guest.IdtPhysical, guest.KpcrPhysicalOf(0),
            guest.KuserPhysical, guest.Symbol("KiDivideErrorFault"), (ulong)cpus, SyntheticGuest.KernelPhysical,
        ];
        var parameters = new byte[values.Length * 8];
        for (var i = 0; i < values.Length; i++)
        {
            BitConverter.TryWriteBytes(parameters.AsSpan(i * 8), values[i]);
        }

        var paramsFile = Path.Combine(folder, "params.bin");
        await File.WriteAllBytesAsync(paramsFile, parameters);
        args.AddRange(["-device", $"loader,file={paramsFile},addr=0x{ParamsAddress:x},force-raw=on"]);

        var info = new ProcessStartInfo("qemu-system-x86_64") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info)!;
        var socketPath = Path.Combine(folder, "qmp.sock");
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
                break;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(50);
            }
            catch (SocketException)
            {
                var error = process.HasExited ? await process.StandardError.ReadToEndAsync() : "timed out";
                socket.Dispose();
                throw new InvalidOperationException("QEMU did not open its QMP socket: " + error);
            }
        }

        var machine = new QemuMachine(process, socket, Path.Combine(folder, "debugcon.log"));
        _ = process.StandardError.ReadToEndAsync().ContinueWith(t => machine._stderr.Append(t.Result), TaskScheduler.Default);
        await machine._reader.ReadLineAsync(); // the greeting
        await machine.ExecuteAsync("qmp_capabilities");
        return machine;
    }

    public async Task<JsonNode?> ExecuteAsync(string command, JsonObject? arguments = null)
    {
        var request = new JsonObject { ["execute"] = command };
        if (arguments is not null)
        {
            request["arguments"] = arguments;
        }

        await _socket.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString() + "\n"));
        while (true)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var line = await _reader.ReadLineAsync(timeout.Token) ?? throw new InvalidOperationException("QMP closed: " + _stderr);
            var reply = JsonNode.Parse(line)!.AsObject();
            if (reply.ContainsKey("event"))
            {
                continue;
            }

            if (reply.TryGetPropertyValue("error", out var error))
            {
                throw new InvalidOperationException($"QMP {command}: {error!.ToJsonString()}");
            }

            return reply["return"];
        }
    }

    public Task DumpAsync(string path) =>
        ExecuteAsync("dump-guest-memory", new JsonObject { ["paging"] = false, ["protocol"] = "file:" + path });

    /// <summary>Waits until the stub has written its marker to the debug console.</summary>
    public async Task WaitForMarkerAsync(char marker, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (File.Exists(_debugLog) && (await File.ReadAllTextAsync(_debugLog)).Contains(marker, StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"the stub did not write '{marker}' to the debug console within {timeout}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                await ExecuteAsync("quit");
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or SocketException or JsonException)
        {
        }

        if (!_process.WaitForExit(5000))
        {
            _process.Kill();
        }

        _reader.Dispose();
        _socket.Dispose();
        _process.Dispose();
    }
}
