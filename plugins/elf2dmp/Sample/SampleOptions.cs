namespace Framework.Plugins.Elf2Dmp.Sample;

/// <summary>The bundled sample job's settings, bound from <c>Plugins:elf2dmp:Sample</c>.</summary>
public sealed class SampleOptions
{
    /// <summary>Whether the host runs the sample job (convert and inspect the bundled dump).</summary>
    public bool Enabled { get; set; }

    /// <summary>Where the sample's .dmp is written; a folder under the temporary folder when empty.</summary>
    public string? OutputFolder { get; set; }
}
