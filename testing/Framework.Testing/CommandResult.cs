namespace Framework.Testing;

/// <summary>What a command did: its exit code (0 success, 1 failure, 2 usage error, as the host
/// maps them), what it wrote, and the tables it printed.</summary>
/// <param name="ExitCode">The exit code the host would return.</param>
/// <param name="Output">Everything written to the console's Out.</param>
/// <param name="Error">Everything written to the console's Error, including the host's message for an exception.</param>
/// <param name="Tables">The tables written with WriteTable, in order.</param>
public sealed record CommandResult(int ExitCode, string Output, string Error, IReadOnlyList<CapturedTable> Tables);
