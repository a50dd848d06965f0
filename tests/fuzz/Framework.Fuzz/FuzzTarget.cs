namespace Framework.Fuzz;

/// <summary>One fuzz target: a parser of one plugin, entered where its users enter it.</summary>
/// <param name="Name">The target's name (<c>tests/fuzz/run NAME</c>); also its corpus folder.</param>
/// <param name="Parser">What is parsed, and through which entry point.</param>
/// <param name="Assemblies">The assemblies whose code the target reaches, instrumented for coverage.</param>
/// <param name="Run">Parses one input.</param>
public sealed record FuzzTarget(string Name, string Parser, IReadOnlyList<string> Assemblies, FuzzAction Run);
