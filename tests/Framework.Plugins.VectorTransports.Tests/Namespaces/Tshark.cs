namespace Framework.Plugins.VectorTransports.Tests.Namespaces;

/// <summary>Reads fields out of a capture file with tshark, one row per packet.</summary>
internal static class Tshark
{
    /// <summary>The fields (space-separated names) of every packet of <paramref name="file"/> that
    /// <paramref name="displayFilter"/> keeps (null: all), decoded with the extra tshark
    /// <paramref name="options"/> (such as <c>-o</c> preferences); fails the test when tshark does.</summary>
    public static List<string[]> Fields(string file, string fields, string? displayFilter = null, string options = "", Func<string>? context = null)
    {
        var filter = displayFilter is null ? string.Empty : $"-Y \"{displayFilter}\" ";
        var args = $"-r {file} {filter}{options} -T fields -E separator=/t " + string.Join(" ", fields.Split(' ').Select(f => $"-e {f}"));
        var (exit, stdout, stderr) = Host.Run("tshark", args);
        Assert.True(exit == 0, $"tshark {args}: {stderr}{(context is null ? string.Empty : " / " + context())}");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToList();
    }
}
