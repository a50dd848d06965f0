namespace Framework.Host.Isolation.Protocol;

/// <summary>A table a command wrote in the child (<c>ICommandConsole.WriteTable</c>), as plain data,
/// with its place in the command's output, so that the host's console renders it as it renders an
/// in-process plugin's tables (and Framework.Testing captures it as data in both modes).</summary>
/// <param name="Offset">Where in the reply's output (in characters) the table was written.</param>
/// <param name="Title">The table's title, if any.</param>
/// <param name="Columns">The column headers.</param>
/// <param name="Rows">The cells, row by row.</param>
public sealed record CommandTable(int Offset, string? Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);
