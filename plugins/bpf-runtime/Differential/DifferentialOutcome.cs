namespace Framework.Plugins.BpfRuntime.Differential;

/// <summary>The result of running one generated program every way.</summary>
/// <param name="Seed">The generator seed.</param>
/// <param name="Agreed">Whether every engine observed the same r0, map contents and packet.</param>
/// <param name="Observations">What each engine observed, by engine name ("kernel", "interpreter", "jit").</param>
/// <param name="Listing">The program in assembler text.</param>
public sealed record DifferentialOutcome(int Seed, bool Agreed, IReadOnlyDictionary<string, string> Observations, string Listing)
{
    /// <summary>A report for a person: the observations that differ and the program.</summary>
    public override string ToString() =>
        $"seed {Seed}: {(Agreed ? "agreed" : "DIFFERED")}\n"
        + string.Concat(Observations.Select(o => $"--- {o.Key}\n{o.Value}\n"))
        + "--- program\n" + Listing;
}
