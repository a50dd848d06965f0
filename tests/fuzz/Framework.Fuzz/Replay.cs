namespace Framework.Fuzz;

/// <summary>Runs saved inputs through a target in this process: the regression check for committed
/// crash inputs and the sanity check for seed corpora.</summary>
public static class Replay
{
    /// <summary>The files under <paramref name="paths"/> (files as given, folders' files in name order; dot files skipped).</summary>
    public static IReadOnlyList<string> Inputs(IEnumerable<string> paths) =>
        [.. paths.SelectMany<string, string>(p => Directory.Exists(p)
            ? Directory.GetFiles(p).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal)
            : [p])];

    /// <summary>Runs <paramref name="input"/> through <paramref name="target"/>; null when it passed, else
    /// what escaped (the exception) or that it ran past <paramref name="timeout"/>.</summary>
    public static string? Run(FuzzTarget target, byte[] input, TimeSpan timeout)
    {
        Exception? escaped = null;
        var thread = new Thread(() =>
        {
            try
            {
                target.Run(input);
            }
            catch (Exception e)
            {
                escaped = e;
            }
        }, 16 << 20) { IsBackground = true, Name = $"fuzz {target.Name}" };
        thread.Start();
        if (!thread.Join(timeout))
        {
            return $"still running after {timeout.TotalSeconds:0.#} s (a hang)";
        }

        return escaped?.ToString();
    }
}
