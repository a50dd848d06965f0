namespace Framework.Fuzz;

/// <summary>Feeds one input to a parser. A parser's own typed error is a clean outcome and is caught
/// inside; anything else that escapes is a crash.</summary>
/// <param name="input">The input bytes, exactly as a user's file or argument would hold them.</param>
public delegate void FuzzAction(ReadOnlySpan<byte> input);
