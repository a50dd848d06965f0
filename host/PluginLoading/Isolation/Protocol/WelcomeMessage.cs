using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Framework.Host.Isolation.Protocol;

/// <summary>The host's answer to a Hello of its own version: the configuration the plugin reads, as
/// flat keys (<c>Plugins:&lt;id&gt;:…</c> and <c>Logging:…</c>, nothing of other plugins), so that
/// <c>--set</c> and every other configuration source reach the child before the plugin's Configure.</summary>
/// <param name="Configuration">Key (with ':' separators) to value.</param>
public sealed record WelcomeMessage(IReadOnlyDictionary<string, string> Configuration)
{
    /// <summary>What the child of plugin <paramref name="pluginId"/> reads: its own section and the
    /// logging filters, flattened; other plugins' sections (which may hold their secrets) stay with
    /// the parent.</summary>
    /// <param name="pluginId">The plugin.</param>
    /// <param name="configuration">The parent's configuration.</param>
    /// <param name="defaultLevel">The child's default log level when the configuration sets none
    /// (<c>Logging:LogLevel:Default</c>); the child's own default when null.</param>
    public static WelcomeMessage For(string pluginId, IConfiguration configuration, LogLevel? defaultLevel = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var sent = configuration.GetSection($"Plugins:{pluginId}").AsEnumerable()
            .Concat(configuration.GetSection("Logging").AsEnumerable())
            .Where(e => e.Value is not null)
            .GroupBy(e => e.Key, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Last().Value!, StringComparer.OrdinalIgnoreCase);
        if (defaultLevel is { } level)
        {
            sent.TryAdd("Logging:LogLevel:Default", level.ToString());
        }

        return new WelcomeMessage(sent);
    }

    /// <summary>The frame payload.</summary>
    public byte[] ToPayload() => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["configuration"] = Configuration });

    /// <summary>Parses a Welcome payload; an empty payload is an empty configuration.</summary>
    /// <exception cref="ProtocolException">Not JSON, or 'configuration' is not an object of strings.</exception>
    public static WelcomeMessage Parse(ReadOnlyMemory<byte> payload)
    {
        var configuration = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (payload.IsEmpty)
        {
            return new WelcomeMessage(configuration);
        }

        using (var document = PayloadJson.Parse(payload, "Welcome"))
        {
            if (document.RootElement.TryGetProperty("configuration", out var values))
            {
                if (values.ValueKind != JsonValueKind.Object)
                {
                    throw new ProtocolException("the Welcome payload's 'configuration' is not an object.");
                }

                foreach (var entry in values.EnumerateObject())
                {
                    configuration[entry.Name] = entry.Value.ValueKind == JsonValueKind.String
                        ? entry.Value.GetString()!
                        : throw new ProtocolException($"configuration value '{entry.Name}' in the Welcome payload is not a string.");
                }
            }
        }

        return new WelcomeMessage(configuration);
    }
}
