using System.Runtime.InteropServices;
using Framework.Fuzz;
using SharpFuzz;

// Framework.Fuzz list | assemblies | fuzz <target> | replay <target> <file or folder>...
// `fuzz` is what afl-fuzz runs (tests/fuzz/run starts it); `replay` runs saved inputs in-process.
if (args is not ["fuzz", ..])
{
    // The instrumented build's code records every branch in afl's coverage map, which only
    // Fuzzer.Run sets up: outside it (list, replay) the branches go to a map of our own.
    UseLocalCoverageMap();
}

if (args is ["write-seeds", var corpus])
{
    SeedWriter.Write(corpus);
    return 0;
}

if (args is ["list"])
{
    foreach (var target in FuzzTargets.All)
    {
        Console.WriteLine($"{target.Name,-26} {target.Parser}");
    }

    return 0;
}

if (args is ["assemblies"])
{
    foreach (var assembly in FuzzTargets.All.SelectMany(t => t.Assemblies).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
    {
        Console.WriteLine(assembly);
    }

    return 0;
}

if (args is ["fuzz", var fuzzName])
{
    var target = FuzzTargets.Find(fuzzName);
    if (target is null)
    {
        Console.Error.WriteLine($"Framework.Fuzz: no target '{fuzzName}' (list shows them)");
        return 2;
    }

    Fuzzer.Run(stream =>
    {
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        target.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
    });
    return 0;
}

if (args is ["replay", var replayName, .. var paths] && paths.Length > 0)
{
    var target = FuzzTargets.Find(replayName);
    if (target is null)
    {
        Console.Error.WriteLine($"Framework.Fuzz: no target '{replayName}' (list shows them)");
        return 2;
    }

    var failed = 0;
    var inputs = Replay.Inputs(paths);
    foreach (var input in inputs)
    {
        var failure = Replay.Run(target, File.ReadAllBytes(input), TimeSpan.FromSeconds(10));
        if (failure is not null)
        {
            failed++;
            Console.WriteLine($"FAIL {input}: {failure}");
        }
    }

    Console.WriteLine($"{target.Name}: {inputs.Count - failed} of {inputs.Count} inputs passed");
    return failed == 0 ? 0 : 1;
}

Console.Error.WriteLine("usage: Framework.Fuzz list | assemblies | fuzz <target> | replay <target> <file or folder>... | write-seeds <corpus folder>");
return 2;

static unsafe void UseLocalCoverageMap()
{
    if (SharpFuzz.Common.Trace.SharedMem == null)
    {
        SharpFuzz.Common.Trace.SharedMem = (byte*)NativeMemory.AllocZeroed(1 << 16);
    }
}
