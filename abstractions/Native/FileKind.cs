namespace Framework.Abstractions.Native;

/// <summary>The S_IFMT types of a file system entry.</summary>
internal enum FileKind
{
    Missing,
    Unknown,
    Regular,
    Directory,
    SymbolicLink,
    CharacterDevice,
    BlockDevice,
    Fifo,
    Socket,
}
