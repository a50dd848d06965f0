using System.Text;

namespace Framework.KernelLab;

/// <summary>What a lab boot gave back. <see cref="Completed"/> is true only when the guest's init
/// printed its end marker, so a panic, a hang or a kill is never mistaken for an exit code.</summary>
public sealed class LabResult
{
    private const int TailLines = 40;

    internal LabResult(bool completed, int exitCode, bool timedOut, string console, string output,
        string kernelLog, string resultsDirectory, TimeSpan elapsed, TimeSpan timeout, int? qemuExitCode)
    {
        Completed = completed;
        ExitCode = exitCode;
        TimedOut = timedOut;
        Console = console;
        Output = output;
        KernelLog = kernelLog;
        ResultsDirectory = resultsDirectory;
        Elapsed = elapsed;
        Timeout = timeout;
        QemuExitCode = qemuExitCode;
    }

    /// <summary>The command ran to its end and the guest said so.</summary>
    public bool Completed { get; }

    /// <summary>The script's exit code; -1 when the run did not complete.</summary>
    public int ExitCode { get; }

    /// <summary>The guest was killed at <see cref="Timeout"/>.</summary>
    public bool TimedOut { get; }

    /// <summary>Everything the guest printed on its serial console (kernel messages, init, the command).</summary>
    public string Console { get; }

    /// <summary>The script's standard output and error.</summary>
    public string Output { get; }

    /// <summary>The guest's kernel log (dmesg at the end of the command), or, when the guest never got
    /// there, the console, which is all that is left of it.</summary>
    public string KernelLog { get; }

    /// <summary>The host folder the guest saw as /lab.</summary>
    public string ResultsDirectory { get; }

    /// <summary>Boot to power-off (or to the kill).</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The timeout the run had.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>qemu's own exit code, null when it was killed.</summary>
    public int? QemuExitCode { get; }

    /// <summary>True when the command completed with exit code 0.</summary>
    public bool Succeeded => Completed && ExitCode == 0;

    /// <summary>A file the command wrote into /lab.</summary>
    /// <exception cref="FileNotFoundException">The command did not write it; the message carries <see cref="Describe"/>.</exception>
    public string ReadResult(string relativePath)
    {
        var path = Path.Combine(ResultsDirectory, relativePath);
        return File.Exists(path)
            ? File.ReadAllText(path)
            : throw new FileNotFoundException($"the lab command wrote no {relativePath}.\n{Describe()}", path);
    }

    /// <summary>Throws with <see cref="Describe"/> unless the command completed with exit code 0.</summary>
    public LabResult EnsureSuccess() =>
        Succeeded ? this : throw new LabRunFailedException(Describe());

    /// <summary>How the run ended, with the tails of the command's output, the console and the kernel
    /// log: what a failing test prints.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append("kernel lab: ").AppendLine(
            Completed ? $"the command exited {ExitCode} after {Elapsed.TotalSeconds:F1} s"
            : TimedOut ? $"the guest did not finish within {Timeout.TotalSeconds:F0} s and was killed"
            : $"the guest stopped without its end marker after {Elapsed.TotalSeconds:F1} s (panic, crash or power-off; qemu exit {QemuExitCode?.ToString() ?? "killed"})");
        AppendTail(text, "command output", Output);
        AppendTail(text, "console", Console);
        if (!ReferenceEquals(KernelLog, Console))
        {
            AppendTail(text, "kernel log", KernelLog);
        }

        return text.ToString();
    }

    private static void AppendTail(StringBuilder text, string title, string content)
    {
        var lines = content.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        var tail = lines.Skip(Math.Max(0, lines.Length - TailLines)).ToArray();
        text.Append("--- ").Append(title).Append(" (last ").Append(tail.Length).AppendLine(" lines) ---");
        foreach (var line in tail)
        {
            text.AppendLine(line);
        }
    }
}
