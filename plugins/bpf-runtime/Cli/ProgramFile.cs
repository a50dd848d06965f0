using System.Globalization;
using Framework.Plugins.BpfRuntime.Assembler;
using Framework.Plugins.BpfRuntime.Isa;

namespace Framework.Plugins.BpfRuntime.Cli;

/// <summary>
/// Reads a program from a file or stream in the forms the CLI accepts: assembler text, base16 text
/// (as the bpf_conformance runner sends it) or raw bytecode. ELF objects are recognised by their
/// magic and refused until the ELF loader exists.
/// </summary>
internal static class ProgramFile
{
    public static bool IsElf(ReadOnlySpan<byte> bytes) => bytes.Length >= 4 && bytes[0] == 0x7f && bytes[1] == (byte)'E' && bytes[2] == (byte)'L' && bytes[3] == (byte)'F';

    /// <summary>Decodes a program: text (assembler or base16) or raw bytes.</summary>
    /// <exception cref="BpfException">The content does not decode (EINVAL, with the instruction or line).</exception>
    /// <exception cref="InvalidDataException">The content is an ELF object.</exception>
    public static BpfInstruction[] Parse(byte[] bytes, string what)
    {
        if (IsElf(bytes))
        {
            throw new InvalidDataException($"{what} is an ELF object; load it with Elf.BpfElfObject (bpf run and bpf disasm do).");
        }

        if (IsText(bytes))
        {
            var text = System.Text.Encoding.UTF8.GetString(bytes);
            if (TryParseBase16(text, out var raw))
            {
                return BpfDecoder.Decode(raw);
            }

            var code = BpfAssembler.Assemble(text);
            BpfDecoder.Validate(code);
            return code;
        }

        return BpfDecoder.Decode(bytes);
    }

    /// <summary>Parses hex bytes separated by optional whitespace ("b7 00 00 00" or "b7000000").</summary>
    public static bool TryParseBase16(string text, out byte[] bytes)
    {
        var digits = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                continue;
            }

            if (!char.IsAsciiHexDigit(c))
            {
                bytes = [];
                return false;
            }

            digits.Append(c);
        }

        if (digits.Length % 2 != 0)
        {
            bytes = [];
            return false;
        }

        bytes = Convert.FromHexString(digits.ToString());
        return true;
    }

    /// <summary>Parses hex bytes for the CLI (keys, values, memory), with a clear error.</summary>
    public static byte[] ParseHex(string text, string name)
    {
        var trimmed = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return TryParseBase16(trimmed, out var bytes)
            ? bytes
            : throw new BpfException(BpfErrno.EINVAL, $"'{text}' is not hex bytes", -1, name);
    }

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLower(CultureInfo.InvariantCulture);

    private static bool IsText(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is not ((>= 0x20 and < 0x7f) or (byte)'\n' or (byte)'\r' or (byte)'\t'))
            {
                return false;
            }
        }

        return bytes.Length > 0;
    }
}
