using System.Globalization;

namespace Framework.Plugins.BpfRuntime.Conformance;

/// <summary>
/// One bpf_conformance test file (<c>*.data</c>): sections introduced by <c>-- name</c> lines:
/// <c>asm</c> (the program as text), <c>raw</c> (the program as 64-bit little-endian slot values),
/// <c>mem</c> (hex bytes of the memory block passed in r1, its length in r2), <c>result</c> (the
/// expected r0) and <c>error</c> (an expected failure). Other sections (<c>c</c>, notes) are kept
/// but not used. Immutable.
/// </summary>
public sealed class ConformanceTest
{
    private ConformanceTest(string name, IReadOnlyDictionary<string, string> sections, byte[] memory, ulong? result)
    {
        Name = name;
        Sections = sections;
        Memory = memory;
        ExpectedResult = result;
    }

    /// <summary>The file name.</summary>
    public string Name { get; }

    /// <summary>Every section's text by name.</summary>
    public IReadOnlyDictionary<string, string> Sections { get; }

    /// <summary>The assembler text, or null.</summary>
    public string? Assembly => Sections.GetValueOrDefault("asm");

    /// <summary>The memory block (empty when the file has none).</summary>
    public byte[] Memory { get; }

    /// <summary>The expected r0, or null.</summary>
    public ulong? ExpectedResult { get; }

    /// <summary>The expected error text, or null.</summary>
    public string? ExpectedError => Sections.TryGetValue("error", out var e) ? e.Trim() : null;

    /// <summary>Parses a test file.</summary>
    /// <exception cref="BpfException">A section's content is malformed (EINVAL, naming the section).</exception>
    public static ConformanceTest Parse(string name, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        var body = new System.Text.StringBuilder();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.StartsWith("-- ", StringComparison.Ordinal))
            {
                if (current is not null)
                {
                    sections[current] = body.ToString();
                }

                current = line[3..].Trim();
                body.Clear();
                continue;
            }

            if (current is not null)
            {
                body.Append(line).Append('\n');
            }
        }

        if (current is not null)
        {
            sections[current] = body.ToString();
        }

        var memory = sections.TryGetValue("mem", out var mem) ? ParseHexBytes(mem, name) : [];
        ulong? result = null;
        if (sections.TryGetValue("result", out var r))
        {
            var value = StripComments(r).Trim();
            result = ParseNumber(value) ?? throw new BpfException(BpfErrno.EINVAL, $"{name}: result '{value}' is not a number", -1, "result");
        }

        return new ConformanceTest(name, sections, memory, result);
    }

    /// <summary>The raw program from the <c>raw</c> section, or null.</summary>
    public byte[]? RawProgram()
    {
        if (!Sections.TryGetValue("raw", out var raw))
        {
            return null;
        }

        var bytes = new List<byte>();
        foreach (var token in StripComments(raw).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var value = ParseNumber(token) ?? throw new BpfException(BpfErrno.EINVAL, $"{Name}: raw slot '{token}' is not a number", -1, "raw");
            bytes.AddRange(BitConverter.GetBytes(value));
        }

        return [.. bytes];
    }

    private static byte[] ParseHexBytes(string text, string name)
    {
        var bytes = new List<byte>();
        foreach (var token in StripComments(text).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!byte.TryParse(token, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b))
            {
                throw new BpfException(BpfErrno.EINVAL, $"{name}: memory byte '{token}' is not two hex digits", -1, "mem");
            }

            bytes.Add(b);
        }

        return [.. bytes];
    }

    private static string StripComments(string text) =>
        string.Join('\n', text.Split('\n').Select(l => l.IndexOf('#', StringComparison.Ordinal) is var i and >= 0 ? l[..i] : l));

    private static ulong? ParseNumber(string text)
    {
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            return ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) ? hex : null;
        }

        if (text.StartsWith('-') && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var negative))
        {
            return (ulong)negative;
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;
    }
}
