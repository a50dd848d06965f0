using Microsoft.Extensions.Logging;

namespace Framework.Testing;

/// <summary>A log record the plugin wrote.</summary>
/// <param name="Category">The logger's category.</param>
/// <param name="Level">The level.</param>
/// <param name="Message">The formatted message.</param>
/// <param name="Exception">The exception attached, if any.</param>
public sealed record CapturedLog(string Category, LogLevel Level, string Message, Exception? Exception);
