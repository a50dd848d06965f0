using Framework.Host.Isolation.Protocol;
namespace Framework.Host.Isolation.Capabilities;

/// <summary>One call on a capability object, in plain data.</summary>
/// <param name="Member">The member's name (a property is called by its name).</param>
/// <param name="Arguments">The text arguments, in order.</param>
internal sealed record CapabilityCall(string Member, IReadOnlyList<string?> Arguments)
{
    /// <summary>Text argument <paramref name="index"/>.</summary>
    /// <exception cref="ProtocolException">The call has fewer arguments.</exception>
    public string? Argument(int index) =>
        index < Arguments.Count ? Arguments[index] : throw new ProtocolException($"capability call {Member} lacks argument {index + 1}.");
}
