namespace Framework.Plugins.BpfRuntime.Maps;

/// <summary>Where a value lives: <see cref="Length"/> bytes of <see cref="Array"/> from <see cref="Offset"/>.</summary>
internal readonly record struct MapValueSlice(byte[] Array, int Offset, int Length);
