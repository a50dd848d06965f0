namespace Framework.Plugins.UserEvents.EventHeader;

/// <summary>eventheader.flags.</summary>
[Flags]
public enum EventHeaderFlags : byte
{
    /// <summary>32-bit pointers, big-endian, no extensions.</summary>
    None = 0,

    /// <summary>Pointers are 64 bits.</summary>
    Pointer64 = 0x01,

    /// <summary>The event is little-endian.</summary>
    LittleEndian = 0x02,

    /// <summary>At least one extension block follows the header.</summary>
    Extension = 0x04,
}

/// <summary>eventheader.opcode: special semantics of an event.</summary>
public enum EventOpcode : byte
{
    /// <summary>A normal event.</summary>
    Info = 0,

    /// <summary>Begins an activity; carries its new id (and the parent's).</summary>
    ActivityStart = 1,

    /// <summary>Ends an activity.</summary>
    ActivityStop = 2,
}

/// <summary>eventheader_extension.kind (without the chain flag).</summary>
public enum EventHeaderExtensionKind : ushort
{
    /// <summary>Invalid.</summary>
    Invalid = 0,

    /// <summary>The event's name and fields.</summary>
    Metadata = 1,

    /// <summary>A 16-byte activity id, optionally followed by the 16-byte related (parent) id.</summary>
    ActivityId = 2,
}

/// <summary>The low 5 bits of a field's encoding byte: how the decoder finds its size.</summary>
public enum EventFieldEncoding : byte
{
    /// <summary>Invalid.</summary>
    Invalid = 0,

    /// <summary>No data; groups the next N fields (N in the format byte).</summary>
    Struct = 1,

    /// <summary>1 byte.</summary>
    Value8 = 2,

    /// <summary>2 bytes.</summary>
    Value16 = 3,

    /// <summary>4 bytes.</summary>
    Value32 = 4,

    /// <summary>8 bytes.</summary>
    Value64 = 5,

    /// <summary>16 bytes.</summary>
    Value128 = 6,

    /// <summary>NUL-terminated 8-bit string.</summary>
    ZStringChar8 = 7,

    /// <summary>NUL-terminated 16-bit string.</summary>
    ZStringChar16 = 8,

    /// <summary>NUL-terminated 32-bit string.</summary>
    ZStringChar32 = 9,

    /// <summary>u16 length, then that many 8-bit units (also binary data).</summary>
    StringLength16Char8 = 10,

    /// <summary>u16 length, then that many 16-bit units.</summary>
    StringLength16Char16 = 11,

    /// <summary>u16 length, then that many 32-bit units.</summary>
    StringLength16Char32 = 12,
}

/// <summary>The low 7 bits of a field's format byte: how to show the value.</summary>
public enum EventFieldFormat : byte
{
    /// <summary>The encoding's default.</summary>
    Default = 0,

    /// <summary>Unsigned integer.</summary>
    UnsignedInt = 1,

    /// <summary>Signed integer.</summary>
    SignedInt = 2,

    /// <summary>Hexadecimal integer.</summary>
    HexInt = 3,

    /// <summary>An errno.</summary>
    Errno = 4,

    /// <summary>A process id.</summary>
    Pid = 5,

    /// <summary>Seconds since 1970.</summary>
    Time = 6,

    /// <summary>0 false, 1 true.</summary>
    Boolean = 7,

    /// <summary>IEEE float.</summary>
    FloatingPoint = 8,

    /// <summary>Hex dump.</summary>
    HexBytes = 9,

    /// <summary>8-bit characters, Latin-1.</summary>
    String8 = 10,

    /// <summary>UTF-8/16/32 by the encoding's unit size.</summary>
    StringUtf = 11,

    /// <summary>UTF with an optional BOM.</summary>
    StringUtfBom = 12,

    /// <summary>XML text.</summary>
    StringXml = 13,

    /// <summary>JSON text.</summary>
    StringJson = 14,

    /// <summary>A UUID in network byte order.</summary>
    Uuid = 15,

    /// <summary>An IP port in network byte order.</summary>
    Port = 16,

    /// <summary>An IPv4 address.</summary>
    IPv4 = 17,

    /// <summary>An IPv6 address.</summary>
    IPv6 = 18,
}

/// <summary>The encoding byte's flags and the format byte's chain flag.</summary>
internal static class EventFieldBits
{
    public const byte EncodingMask = 0x1F;
    public const byte CArray = 0x20;
    public const byte VArray = 0x40;
    public const byte EncodingChain = 0x80;
    public const byte FormatMask = 0x7F;
    public const byte FormatChain = 0x80;
    public const ushort ExtensionChain = 0x8000;
}
