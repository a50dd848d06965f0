namespace Framework.Plugins.VectorTransports.Options;

/// <summary>How the value of a vector option is written.</summary>
public enum VectorOptionKind
{
    /// <summary>An unsigned whole number in C's base-0 notation (decimal, 0x hex, leading-0 octal),
    /// as the kernel's <c>kstrtoint(..., 0, ...)</c> reads it.</summary>
    Number,

    /// <summary>0 or 1.</summary>
    Flag,

    /// <summary>A MAC address, six hex pairs separated by colons.</summary>
    Mac,

    /// <summary>A network interface name (1 to 15 characters, no '/', ':' or white space).</summary>
    InterfaceName,

    /// <summary>An endpoint: a host or IP literal for IP transports, a socket path for unix and bess.</summary>
    Endpoint,

    /// <summary>A file path.</summary>
    Path,

    /// <summary>A transport name.</summary>
    TransportName,
}
