namespace Framework.Testing;

/// <summary>A table a command wrote through ICommandConsole.WriteTable.</summary>
/// <param name="Title">The table's title, if any.</param>
/// <param name="Columns">The column headers.</param>
/// <param name="Rows">The cells, row by row.</param>
public sealed record CapturedTable(string? Title, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);
