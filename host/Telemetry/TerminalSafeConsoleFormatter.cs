using System.Globalization;
using System.Text;
using Framework.Host.Cli;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Framework.Host.Telemetry;

/// <summary>
/// The console log's formatter: the layout of the built-in <c>simple</c> formatter (timestamp,
/// coloured level, category and event id, then the message and exception indented below), with the
/// message, the exception and the scopes passed through <see cref="TerminalText"/>. A log line is as
/// much output as a table cell: a plugin that logs a section name, a dump comment or an option
/// string it was given must not hand the terminal raw escape sequences. The built-in formatters
/// cannot be wrapped (they are internal, and write the level's colour codes into the same writer),
/// so the layout is kept here. Stateless apart from its options; thread-safe.
/// </summary>
internal sealed class TerminalSafeConsoleFormatter : ConsoleFormatter, IDisposable
{
    /// <summary>The name <see cref="ConsoleLoggerOptions.FormatterName"/> selects it by.</summary>
    public const string FormatterName = "framework";

    private const string Padding = "      ";
    private const string DefaultColours = "\x1B[39m\x1B[22m\x1B[49m";

    private readonly IDisposable? _reload;
    private SimpleConsoleFormatterOptions _options;

    public TerminalSafeConsoleFormatter(IOptionsMonitor<SimpleConsoleFormatterOptions> options)
        : base(FormatterName)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.CurrentValue;
        _reload = options.OnChange(o => _options = o);
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null)
        {
            return;
        }

        var options = _options;
        var line = new StringBuilder();
        if (options.TimestampFormat is { } format)
        {
            var now = options.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
            line.Append(now.ToString(format, CultureInfo.InvariantCulture));
        }

        var level = Level(logEntry.LogLevel);
        var colour = UseColour(options) ? Colour(logEntry.LogLevel) : null;
        if (colour is not null)
        {
            line.Append(colour).Append(level).Append(DefaultColours);
        }
        else
        {
            line.Append(level);
        }

        line.Append(": ");
        TerminalText.Append(line, logEntry.Category);
        line.Append('[').Append(logEntry.EventId.Id.ToString(CultureInfo.InvariantCulture)).Append(']');
        if (options.SingleLine)
        {
            line.Append(' ');
        }
        else
        {
            line.Append('\n');
        }

        if (options.IncludeScopes && scopeProvider is not null)
        {
            var scopes = new StringBuilder();
            scopeProvider.ForEachScope((scope, builder) => builder.Append(" => ").Append(scope), scopes);
            if (scopes.Length > 0)
            {
                AppendBlock(line, scopes.ToString(), options.SingleLine);
                line.Append(options.SingleLine ? ' ' : '\n');
            }
        }

        if (!string.IsNullOrEmpty(message))
        {
            AppendBlock(line, message, options.SingleLine);
        }

        if (logEntry.Exception is { } exception)
        {
            if (!string.IsNullOrEmpty(message))
            {
                line.Append(options.SingleLine ? ' ' : '\n');
            }

            AppendBlock(line, exception.ToString(), options.SingleLine);
        }

        line.Append('\n');
        textWriter.Write(line.ToString());
    }

    public void Dispose() => _reload?.Dispose();

    // Escaped, and indented below the header line (or joined onto it with SingleLine).
    private static void AppendBlock(StringBuilder line, string text, bool singleLine)
    {
        var escaped = TerminalText.Escape(text);
        if (singleLine)
        {
            line.Append(escaped.Replace('\n', ' '));
            return;
        }

        line.Append(Padding).Append(escaped.Replace("\n", "\n" + Padding, StringComparison.Ordinal));
    }

    private static bool UseColour(SimpleConsoleFormatterOptions options) => options.ColorBehavior switch
    {
        LoggerColorBehavior.Enabled => true,
        LoggerColorBehavior.Disabled => false,

        // The host writes every log record to standard error.
        _ => !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null,
    };

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => level.ToString().ToLowerInvariant(),
    };

    // The simple formatter's colours: dark green information, yellow warnings, red errors.
    private static string? Colour(LogLevel level) => level switch
    {
        LogLevel.Information => "\x1B[32m",
        LogLevel.Warning => "\x1B[1m\x1B[33m",
        LogLevel.Error => "\x1B[1m\x1B[31m",
        LogLevel.Critical => "\x1B[1m\x1B[37m\x1B[41m",
        _ => null,
    };
}
