using System.Diagnostics;
using Framework.EndToEnd.Tests.Infrastructure;

namespace Framework.EndToEnd.Tests.Hostile;

/// <summary>A temporary folder with a small eBPF program in it, for tests that hand the real
/// <c>framework</c> hostile files and paths; removed afterwards.</summary>
public sealed class Scratch : IDisposable
{
    public Scratch()
    {
        Root = Directory.CreateTempSubdirectory("framework-hostile-").FullName;
        Program = Path.Combine(Root, "prog.s");
        File.WriteAllText(Program, "mov %r0, 1\nexit\n");
    }

    public string Root { get; }

    /// <summary>Assembler text of two instructions (16 bytes of bytecode).</summary>
    public string Program { get; }

    public string this[string name] => Path.Combine(Root, name);

    /// <summary>Runs the real framework with the working directory in the scratch folder.</summary>
    public static Task<ProcessResult> Run(params string[] args) => FrameworkProcess.RunAsync(args, timeout: TimeSpan.FromSeconds(60));

    public static void Shell(string file, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {process.ExitCode}: {error}");
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A mount still in place: the test that made it reports that.
        }
    }
}
