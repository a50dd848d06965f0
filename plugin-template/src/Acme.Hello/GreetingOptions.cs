using System.ComponentModel.DataAnnotations;

namespace Acme.Hello;

/// <summary>The plugin's settings, from Plugins:acme-hello in the host's configuration.</summary>
public sealed class GreetingOptions
{
    /// <summary>The word to greet with.</summary>
    [Required]
    public string Greeting { get; set; } = "Hello";

    /// <summary>How many times to greet.</summary>
    [Range(1, 10)]
    public int Repeat { get; set; } = 1;
}
