using System.Text.Json;
using Framework.KernelLab.Guest;
using Framework.KernelLab.Guest.Probes;

// Usage: Framework.KernelLab.Guest <probe> <result.json>
// Runs one probe and writes its findings as JSON; exit 0 when the probe ran to its end (its findings
// are for the host-side test to judge), 1 when a step failed (the message says which), 2 on usage.
var probes = new Dictionary<string, Func<IReadOnlyDictionary<string, object?>>>(StringComparer.Ordinal)
{
    ["user-events-abi"] = UserEventsAbiProbe.Run,
    ["perf-breakpoint"] = PerfBreakpointProbe.Run,
};

if (args.Length != 2 || !probes.TryGetValue(args[0], out var probe))
{
    Console.Error.WriteLine($"usage: Framework.KernelLab.Guest <{string.Join('|', probes.Keys)}> <result.json>");
    return 2;
}

try
{
    var findings = probe();
    File.WriteAllText(args[1], JsonSerializer.Serialize(findings, new JsonSerializerOptions { WriteIndented = true }));
    Console.WriteLine($"{args[0]}: done");
    return 0;
}
catch (ProbeException e)
{
    Console.Error.WriteLine($"{args[0]}: {e.Message}");
    return 1;
}
