namespace Framework.Plugins.BpfRuntime.Conformance;

/// <summary>The outcome of one conformance test.</summary>
/// <param name="Name">The file name.</param>
/// <param name="Passed">Whether it passed.</param>
/// <param name="Detail">Why it failed (or the value it returned).</param>
public sealed record ConformanceOutcome(string Name, bool Passed, string Detail);
