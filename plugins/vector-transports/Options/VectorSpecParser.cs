using System.Globalization;
using System.Net;
using System.Text;

namespace Framework.Plugins.VectorTransports.Options;

/// <summary>
/// Parses UML vector interface specifications: an optional <c>vecN:</c> prefix, then comma-separated
/// <c>key=value</c> options, one of which is <c>transport=&lt;name&gt;</c>. Every key must be one that
/// UML documents for that transport (<see cref="VectorOptionTable"/>); values are checked for form
/// and range, and the options that need each other are checked together. Thread-safe (stateless).
/// </summary>
public static class VectorSpecParser
{
    /// <summary>Longest accepted option string: far beyond any real one, short enough to refuse abuse.</summary>
    public const int MaximumLength = 4096;

    /// <summary>Longest unix socket path: sun_path holds 108 bytes including the terminating NUL.</summary>
    public const int MaximumSocketPath = 107;

    /// <summary>Parses and validates a specification.</summary>
    /// <exception cref="VectorOptionException">The text is malformed; the message names the option,
    /// the offset and what was expected. Nothing else is thrown.</exception>
    public static VectorSpec Parse(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            throw Fail("transport", 0, "transport=<name>", "the option string is empty: expected transport=<name> followed by key=value options");
        }

        if (text.Length > MaximumLength)
        {
            throw Fail(string.Empty, MaximumLength, $"at most {MaximumLength} characters",
                $"the option string is {text.Length} characters long: expected at most {MaximumLength}");
        }

        var original = text.ToString();
        int? unit = null;
        var start = ParseUnitPrefix(text, ref unit);

        var raw = new List<(string Key, string Value, int KeyOffset, int ValueOffset)>();
        var position = start;
        while (true)
        {
            var rest = text[position..];
            var comma = rest.IndexOf(',');
            var item = comma < 0 ? rest : rest[..comma];
            raw.Add(SplitItem(item, position));
            if (comma < 0)
            {
                break;
            }

            position += comma + 1;
        }

        var options = new Dictionary<string, VectorOptionValue>(StringComparer.Ordinal);
        var definitions = new Dictionary<string, VectorOptionDefinition>(StringComparer.Ordinal);
        foreach (var (key, value, keyOffset, valueOffset) in raw)
        {
            if (!VectorOptionTable.TryGet(key, out var definition))
            {
                throw Fail(key, keyOffset, "a documented vector option",
                    $"unknown option '{key}' at offset {keyOffset}: expected one of {string.Join(", ", VectorOptionTable.Definitions.Select(d => d.Key))}");
            }

            if (options.ContainsKey(definition.Key))
            {
                throw Fail(definition.Key, keyOffset, "each option at most once",
                    $"option '{definition.Key}' at offset {keyOffset} is given twice: expected each option at most once");
            }

            var number = definition.Kind is VectorOptionKind.Number or VectorOptionKind.Flag
                ? ParseNumber(definition, value, valueOffset)
                : 0;
            options.Add(definition.Key, new VectorOptionValue(definition.Key, value, keyOffset, number));
            definitions.Add(definition.Key, definition);
        }

        if (!options.TryGetValue("transport", out var transportOption))
        {
            throw Fail("transport", start, "transport=<name>",
                $"option 'transport' is missing: expected transport=<name> with one of {string.Join(", ", VectorOptionTable.TransportNames)}");
        }

        var transport = transportOption.Text;
        if (!VectorOptionTable.TransportNames.Contains(transport))
        {
            throw Fail("transport", transportOption.Offset, "a transport name",
                $"option 'transport' at offset {transportOption.Offset}: unknown transport '{transport}', expected one of {string.Join(", ", VectorOptionTable.TransportNames)}");
        }

        byte[]? mac = null;
        foreach (var option in options.Values)
        {
            var definition = definitions[option.Key];
            if (!definition.AppliesTo(transport))
            {
                throw Fail(option.Key, option.Offset, $"an option of transport '{transport}'",
                    $"option '{option.Key}' at offset {option.Offset} does not apply to transport '{transport}': it is for {string.Join(", ", definition.Transports)}");
            }

            switch (definition.Kind)
            {
                case VectorOptionKind.Mac:
                    mac = ParseMac(option);
                    break;
                case VectorOptionKind.InterfaceName:
                    CheckInterfaceName(option);
                    break;
                case VectorOptionKind.Path:
                    CheckPath(option);
                    break;
                case VectorOptionKind.Endpoint:
                    CheckEndpoint(option, transport);
                    break;
                default:
                    break;
            }
        }

        CheckTogether(options, transport, start);
        return new VectorSpec(original, unit, transport, options, mac);
    }

    /// <summary>Parses a specification, returning false and the error instead of throwing.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out VectorSpec? spec, out VectorOptionException? error)
    {
        try
        {
            spec = Parse(text);
            error = null;
            return true;
        }
        catch (VectorOptionException e)
        {
            spec = null;
            error = e;
            return false;
        }
    }

    private static int ParseUnitPrefix(ReadOnlySpan<char> text, ref int? unit)
    {
        // UML's command line reads "vecN:options"; the prefix is optional here.
        if (!text.StartsWith("vec", StringComparison.Ordinal))
        {
            return 0;
        }

        var colon = text.IndexOf(':');
        var equals = text.IndexOf('=');
        if (colon < 0 || (equals >= 0 && equals < colon))
        {
            return 0;
        }

        var digits = text[3..colon];
        if (digits.IsEmpty || digits.Length > 4 || !IsAllDigits(digits))
        {
            throw Fail(string.Empty, 3, "vecN: with N a number",
                $"interface prefix at offset 0: expected vecN: with N a number of 1 to 4 digits, got '{text[..(colon + 1)].ToString()}'");
        }

        unit = int.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        return colon + 1;
    }

    private static (string Key, string Value, int KeyOffset, int ValueOffset) SplitItem(ReadOnlySpan<char> item, int offset)
    {
        if (item.IsEmpty)
        {
            throw Fail(string.Empty, offset, "key=value", $"empty option at offset {offset}: expected key=value (stray comma?)");
        }

        var equals = item.IndexOf('=');
        if (equals < 0)
        {
            throw Fail(Printable(item), offset, "key=value",
                $"option '{Printable(item)}' at offset {offset} has no value: expected key=value");
        }

        var key = item[..equals];
        var value = item[(equals + 1)..];
        if (key.IsEmpty)
        {
            throw Fail(string.Empty, offset, "key=value", $"option at offset {offset} has no key: expected key=value");
        }

        foreach (var c in key)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_'))
            {
                throw Fail(Printable(key), offset, "a key of lower-case letters, digits and '_'",
                    $"option '{Printable(key)}' at offset {offset}: expected a key of lower-case letters, digits and '_'");
            }
        }

        var keyText = key.ToString();
        var valueOffset = offset + equals + 1;
        if (value.IndexOf('=') >= 0)
        {
            throw Fail(keyText, valueOffset + value.IndexOf('='), "one '=' per option",
                $"option '{keyText}' at offset {offset}: a second '=' at offset {valueOffset + value.IndexOf('=')}: expected one '=' per option");
        }

        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            // The documentation writes transport="Transport Name"; a shell would have removed the quotes.
            value = value[1..^1];
            valueOffset++;
        }

        if (value.IsEmpty)
        {
            throw Fail(keyText, valueOffset, "a value", $"option '{keyText}' at offset {offset} has an empty value: expected a value after '='");
        }

        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is <= ' ' or > '~' or '"')
            {
                throw Fail(keyText, valueOffset + i, "printable ASCII without spaces or quotes",
                    $"option '{keyText}' at offset {valueOffset + i}: character U+{(int)c:X4} is not allowed: expected printable ASCII without spaces or quotes");
            }
        }

        return (keyText, value.ToString(), offset, valueOffset);
    }

    private static ulong ParseNumber(VectorOptionDefinition definition, string text, int offset)
    {
        var expected = definition.Kind == VectorOptionKind.Flag
            ? "0 or 1"
            : $"a whole number from {definition.Minimum} to {definition.Maximum} (decimal, 0x hex or 0 octal)";
        if (!TryParseBaseZero(text, out var value) || value < definition.Minimum || value > definition.Maximum)
        {
            throw Fail(definition.Key, offset, expected, $"option '{definition.Key}' at offset {offset}: expected {expected}, got '{text}'");
        }

        return value;
    }

    /// <summary>Reads an unsigned number the way C's strtoul with base 0 does, but strictly: the whole
    /// text must be digits of the base, with no sign and no overflow.</summary>
    internal static bool TryParseBaseZero(ReadOnlySpan<char> text, out ulong value)
    {
        value = 0;
        var radix = 10u;
        if (text.Length > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
        {
            radix = 16;
            text = text[2..];
        }
        else if (text.Length > 1 && text[0] == '0')
        {
            radix = 8;
            text = text[1..];
        }

        if (text.IsEmpty)
        {
            return false;
        }

        foreach (var c in text)
        {
            uint digit = c switch
            {
                >= '0' and <= '9' => (uint)(c - '0'),
                >= 'a' and <= 'f' => (uint)(c - 'a' + 10),
                >= 'A' and <= 'F' => (uint)(c - 'A' + 10),
                _ => uint.MaxValue,
            };
            if (digit >= radix)
            {
                return false;
            }

            if (value > (ulong.MaxValue - digit) / radix)
            {
                return false;
            }

            value = (value * radix) + digit;
        }

        return true;
    }

    private static byte[] ParseMac(VectorOptionValue option)
    {
        var text = option.Text.AsSpan();
        const string Expected = "six hex pairs separated by ':' such as 02:00:00:00:00:01";
        if (text.Length != 17)
        {
            throw Fail(option.Key, option.Offset, Expected, $"option 'mac' at offset {option.Offset}: expected {Expected}, got '{option.Text}'");
        }

        var mac = new byte[6];
        for (var i = 0; i < 6; i++)
        {
            var pair = text.Slice(i * 3, 2);
            if ((i < 5 && text[(i * 3) + 2] != ':')
                || !byte.TryParse(pair, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out mac[i]))
            {
                throw Fail(option.Key, option.Offset, Expected, $"option 'mac' at offset {option.Offset}: expected {Expected}, got '{option.Text}'");
            }
        }

        if ((mac[0] & 1) != 0)
        {
            throw Fail(option.Key, option.Offset, "a unicast MAC address",
                $"option 'mac' at offset {option.Offset}: '{option.Text}' is a multicast address: expected a unicast MAC address");
        }

        return mac;
    }

    private static void CheckInterfaceName(VectorOptionValue option)
    {
        // IFNAMSIZ is 16 including the NUL; '/' and ':' are refused by the kernel's dev_valid_name.
        var name = option.Text;
        if (name.Length > 15 || name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains(':', StringComparison.Ordinal))
        {
            throw Fail(option.Key, option.Offset, "an interface name of 1 to 15 characters without '/' or ':'",
                $"option 'ifname' at offset {option.Offset}: expected an interface name of 1 to 15 characters without '/' or ':', got '{name}'");
        }
    }

    private static void CheckPath(VectorOptionValue option)
    {
        if (option.Text.Length > 4095)
        {
            throw Fail(option.Key, option.Offset, "a path shorter than PATH_MAX", $"option '{option.Key}' at offset {option.Offset}: expected a path shorter than 4096 characters");
        }
    }

    private static void CheckEndpoint(VectorOptionValue option, string transport)
    {
        var text = option.Text;
        if (transport is "unix" or "bess")
        {
            if (Encoding.UTF8.GetByteCount(text) > MaximumSocketPath || text == "@")
            {
                throw Fail(option.Key, option.Offset, $"a socket path of 1 to {MaximumSocketPath} bytes ('@' for the abstract namespace)",
                    $"option '{option.Key}' at offset {option.Offset}: expected a socket path of 1 to {MaximumSocketPath} bytes ('@name' for the abstract namespace), got {text.Length} characters");
            }

            return;
        }

        if (IPAddress.TryParse(text, out _))
        {
            return;
        }

        if (text.Length > 253 || !text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.') || text.StartsWith('-') || text.StartsWith('.'))
        {
            throw Fail(option.Key, option.Offset, "an IPv4 or IPv6 address or a host name",
                $"option '{option.Key}' at offset {option.Offset}: expected an IPv4 or IPv6 address or a host name, got '{text}'");
        }
    }

    private static void CheckTogether(Dictionary<string, VectorOptionValue> options, string transport, int start)
    {
        void Require(string key, string why)
        {
            if (!options.ContainsKey(key))
            {
                throw Fail(key, start, $"{key}=<value>", $"option '{key}' is missing: transport '{transport}' needs {why}");
            }
        }

        void Pair(string a, string b)
        {
            var hasA = options.TryGetValue(a, out var va);
            var hasB = options.TryGetValue(b, out var vb);
            if (hasA != hasB)
            {
                var given = hasA ? va! : vb!;
                var missing = hasA ? b : a;
                throw Fail(missing, given.Offset, $"{missing}=<value> together with {given.Key}",
                    $"option '{given.Key}' at offset {given.Offset} needs option '{missing}' too: expected both or neither");
            }
        }

        void NeedsFlag(string dependent, string flag)
        {
            if (options.TryGetValue(dependent, out var d) && d.Number != 0 && !(options.TryGetValue(flag, out var f) && f.Number != 0))
            {
                throw Fail(dependent, d.Offset, $"{flag}=1",
                    $"option '{dependent}' at offset {d.Offset} only means something with {flag}=1: expected {flag}=1 as well");
            }
        }

        switch (transport)
        {
            case "tap" or "hybrid" or "raw":
                Require("ifname", "the network interface (ifname=<name>)");
                break;
            case "unix":
                Require("src", "the local socket path (src=<path>)");
                Require("dst", "the peer's socket path (dst=<path>)");
                break;
            case "bess":
                Require("dst", "the BESS port's socket path (dst=<path>)");
                break;
            case "gre":
                Require("src", "the local address (src=<address>)");
                Require("dst", "the remote address (dst=<address>)");
                Pair("rx_key", "tx_key");
                NeedsFlag("pin_sequence", "sequence");
                break;
            case "l2tpv3":
                Require("src", "the local address (src=<address>)");
                Require("dst", "the remote address (dst=<address>)");
                Require("rx_session", "the receive session id (rx_session=<n>)");
                Require("tx_session", "the transmit session id (tx_session=<n>)");
                Pair("rx_cookie", "tx_cookie");
                NeedsFlag("pin_counter", "counter");
                var udp = options.TryGetValue("udp", out var u) && u.Number != 0;
                if (udp)
                {
                    Require("dstport", "the remote UDP port with udp=1 (dstport=<n>)");
                }
                else
                {
                    foreach (var key in new[] { "srcport", "dstport" })
                    {
                        if (options.TryGetValue(key, out var port))
                        {
                            throw Fail(key, port.Offset, "udp=1",
                                $"option '{key}' at offset {port.Offset} only applies to L2TPv3 over UDP: expected udp=1 as well");
                        }
                    }
                }

                var cookie64 = options.TryGetValue("cookie64", out var c64) && c64.Number != 0;
                if (!cookie64)
                {
                    foreach (var key in new[] { "rx_cookie", "tx_cookie" })
                    {
                        if (options.TryGetValue(key, out var cookie) && cookie.Number > uint.MaxValue)
                        {
                            throw Fail(key, cookie.Offset, "a 32-bit cookie, or cookie64=1",
                                $"option '{key}' at offset {cookie.Offset}: {cookie.Text} does not fit 32 bits: expected a 32-bit cookie, or cookie64=1");
                        }
                    }
                }

                break;
            default:
                break;
        }

        if (transport is "gre" or "l2tpv3")
        {
            CheckFamilies(options);
        }
    }

    private static void CheckFamilies(Dictionary<string, VectorOptionValue> options)
    {
        bool? v6 = options.TryGetValue("v6", out var v) ? v.Number != 0 : null;
        foreach (var key in new[] { "src", "dst" })
        {
            if (options.TryGetValue(key, out var endpoint) && IPAddress.TryParse(endpoint.Text, out var address))
            {
                var isV6 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
                if (v6 is bool want && want != isV6)
                {
                    throw Fail(key, endpoint.Offset, want ? "an IPv6 address (v6=1)" : "an IPv4 address (v6=0)",
                        $"option '{key}' at offset {endpoint.Offset}: '{endpoint.Text}' is {(isV6 ? "IPv6" : "IPv4")}: expected {(want ? "an IPv6 address because v6=1" : "an IPv4 address because v6=0")}");
                }

                v6 ??= isV6;
            }
        }
    }

    private static bool IsAllDigits(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }

    private static string Printable(ReadOnlySpan<char> text)
    {
        var sb = new StringBuilder(Math.Min(text.Length, 40));
        foreach (var c in text[..Math.Min(text.Length, 40)])
        {
            sb.Append(c is < ' ' or > '~' ? '?' : c);
        }

        return sb.ToString();
    }

    private static VectorOptionException Fail(string option, int offset, string expected, string message) =>
        new(option, offset, expected, message.Contains(expected, StringComparison.Ordinal) ? message : $"{message} (expected {expected})");
}
