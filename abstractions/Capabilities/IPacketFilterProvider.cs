namespace Framework.Abstractions.Capabilities;

/// <summary>
/// A capability that compiles packet filters, offered for example by bpf-runtime (eBPF socket
/// filters) and consumed by packet paths such as vector-transports' bridge.
/// </summary>
public interface IPacketFilterProvider
{
    /// <summary>A short name of the filter kind, such as <c>ebpf</c>.</summary>
    string Kind { get; }

    /// <summary>Loads a filter from a file (for eBPF, an ELF object built by clang).</summary>
    /// <param name="path">The file.</param>
    /// <param name="section">The program's section or name in the file, or null for the first one.</param>
    /// <exception cref="InvalidDataException">The file is not a valid filter; the message says where.</exception>
    IPacketFilter Load(string path, string? section);
}
