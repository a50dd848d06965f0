namespace Framework.Abstractions.Capabilities;

/// <summary>
/// A loaded packet filter with socket-filter semantics: for each frame it returns how many bytes to
/// keep, 0 meaning drop. Thread-safe; dispose it to release what it holds.
/// </summary>
public interface IPacketFilter : IDisposable
{
    /// <summary>Runs the filter over one frame.</summary>
    /// <param name="frame">The frame, starting at the link-layer header.</param>
    /// <returns>The number of bytes to keep (0: drop; at least the frame length: keep it whole).</returns>
    /// <exception cref="InvalidOperationException">The filter can no longer run, for example because the
    /// process that holds it (a provider in a plugin-host child) ended; it will not run again: dispose
    /// it and load a new one from the provider offered then.</exception>
    uint Filter(ReadOnlySpan<byte> frame);
}
