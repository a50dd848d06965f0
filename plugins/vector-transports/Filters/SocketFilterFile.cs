using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Framework.Plugins.VectorTransports.Filters;

/// <summary>
/// Reads the file named by <c>bpffile=</c>. UML loads "raw bpf code": an array of struct sock_filter
/// in host byte order, 8 bytes per instruction. The decimal text that <c>tcpdump -ddd</c> and
/// <c>bpf_asm</c> print (a count line, then one "code jt jf k" line per instruction) is accepted too,
/// since that is how such code is usually produced.
/// </summary>
public static class SocketFilterFile
{
    /// <summary>Loads and checks a filter file.</summary>
    /// <exception cref="SocketFilterException">The file is missing, malformed or the program invalid.</exception>
    public static SocketFilterProgram Load(string path)
    {
        byte[] bytes;
        try
        {
            // Larger than any program in either format: refused before it is read whole.
            bytes = Framework.Abstractions.Files.InputFile.ReadAllBytes(path, "bpffile", (SocketFilterProgram.MaximumInstructions * 32) + 1);
        }
        catch (Exception e) when (e is Framework.Abstractions.Commands.CommandFailedException or Framework.Abstractions.Commands.CommandUsageException)
        {
            throw new SocketFilterException(e.Message, e);
        }

        return Parse(bytes);
    }

    /// <summary>Parses filter bytes in either format.</summary>
    /// <exception cref="SocketFilterException">Malformed; the message names the line or instruction.</exception>
    public static SocketFilterProgram Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > SocketFilterProgram.MaximumInstructions * 32)
        {
            throw new SocketFilterException($"filter file of {bytes.Length} bytes is larger than any {SocketFilterProgram.MaximumInstructions}-instruction program");
        }

        return LooksLikeText(bytes) ? ParseText(Encoding.ASCII.GetString(bytes)) : ParseBinary(bytes);
    }

    private static bool LooksLikeText(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return false;
        }

        foreach (var b in bytes)
        {
            if (!(b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' or (byte)',' or (>= (byte)'0' and <= (byte)'9')))
            {
                return false;
            }
        }

        return true;
    }

    private static SocketFilterProgram ParseBinary(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0 || bytes.Length % SocketFilterInstruction.Size != 0)
        {
            throw new SocketFilterException($"raw filter code is a whole number of 8-byte instructions, got {bytes.Length} bytes");
        }

        var instructions = new SocketFilterInstruction[bytes.Length / SocketFilterInstruction.Size];
        for (var i = 0; i < instructions.Length; i++)
        {
            var insn = bytes.Slice(i * SocketFilterInstruction.Size, SocketFilterInstruction.Size);
            instructions[i] = new SocketFilterInstruction(
                BinaryPrimitives.ReadUInt16LittleEndian(insn), insn[2], insn[3], BinaryPrimitives.ReadUInt32LittleEndian(insn[4..]));
        }

        return new SocketFilterProgram(instructions);
    }

    private static SocketFilterProgram ParseText(string text)
    {
        // bpf_asm separates with commas on one line; tcpdump -ddd with newlines.
        var lines = text.Replace(',', '\n').Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0 || !int.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            throw new SocketFilterException("filter text: line 1: expected the instruction count");
        }

        if (count != lines.Length - 1)
        {
            throw new SocketFilterException($"filter text: line 1: the count says {count} instructions, the file has {lines.Length - 1}");
        }

        var instructions = new SocketFilterInstruction[count];
        for (var i = 0; i < count; i++)
        {
            var fields = lines[i + 1].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 4
                || !ushort.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var code)
                || !byte.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var jt)
                || !byte.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var jf)
                || !uint.TryParse(fields[3], NumberStyles.None, CultureInfo.InvariantCulture, out var k))
            {
                throw new SocketFilterException(i, $"filter text: instruction {i}: expected 'code jt jf k' as decimal numbers, got '{lines[i + 1]}'");
            }

            instructions[i] = new SocketFilterInstruction(code, jt, jf, k);
        }

        return new SocketFilterProgram(instructions);
    }
}
