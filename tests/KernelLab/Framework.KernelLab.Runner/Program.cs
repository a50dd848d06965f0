using System.Globalization;
using Framework.KernelLab;

// kernel-lab [--timeout SECONDS] [--keep] SCRIPT
// Boots the kernel lab, runs SCRIPT (sh, as root, in /lab) and prints its output; on failure prints
// how the run ended with the console and kernel log tails. Exit: the script's exit code, 1 when the
// guest panicked, hung or could not boot, 2 on usage errors.
var timeout = TimeSpan.FromMinutes(5);
string? script = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--timeout" when i + 1 < args.Length
            && double.TryParse(args[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0:
            timeout = TimeSpan.FromSeconds(seconds);
            i++;
            break;
        case "--timeout":
            Console.Error.WriteLine("kernel-lab: --timeout takes a positive number of seconds");
            return 2;
        case "--keep":
            Environment.SetEnvironmentVariable("FRAMEWORK_LAB_KEEP", "1");
            break;
        case "-h" or "--help":
            Console.WriteLine("usage: kernel-lab [--timeout SECONDS] [--keep] SCRIPT");
            return 0;
        default:
            if (script is not null)
            {
                Console.Error.WriteLine("kernel-lab: give the script as one argument (quote it)");
                return 2;
            }

            script = args[i];
            break;
    }
}

if (script is null)
{
    Console.Error.WriteLine("usage: kernel-lab [--timeout SECONDS] [--keep] SCRIPT");
    return 2;
}

var image = LabImage.Get();
if (image.Missing is not null)
{
    Console.Error.WriteLine(image.Missing);
    return 1;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    var result = await KernelLab.RunAsync(new LabRun { Script = script, Timeout = timeout }, cancel.Token);
    Console.Write(result.Output);
    if (!result.Completed)
    {
        Console.Error.Write(result.Describe());
        return 1;
    }

    var kept = Environment.GetEnvironmentVariable("FRAMEWORK_LAB_KEEP") == "1" ? $"; results in {result.ResultsDirectory}" : string.Empty;
    Console.Error.WriteLine($"kernel-lab: exit {result.ExitCode} after {result.Elapsed.TotalSeconds:F1} s (linux {image.KernelVersion}, config {image.ConfigHash}){kept}");
    return result.ExitCode;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("kernel-lab: interrupted; the guest was stopped");
    return 130;
}
