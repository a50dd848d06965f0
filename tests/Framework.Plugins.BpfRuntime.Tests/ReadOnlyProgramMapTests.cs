namespace Framework.Plugins.BpfRuntime.Tests;

public sealed class ReadOnlyProgramMapTests
{
    [Fact]
    public void Programs_cannot_write_maps_created_read_only_for_programs()
    {
        const string lookupAndStore = "stw [%r10-4], 0\nmov %r2, %r10\nadd %r2, -4\nlddw %r1, map_idx(0)\ncall 1\nstdw [%r0], 1\nexit";
        const string update = "stw [%r10-4], 0\nstdw [%r10-16], 0\nmov %r2, %r10\nadd %r2, -4\nmov %r3, %r10\nadd %r3, -16\nmov %r4, 0\nlddw %r1, map_idx(0)\ncall 2\nexit";
        using var system = new Syscall.BpfSystem();
        using var map = system.CreateMap(new Maps.BpfMapDefinition(Maps.BpfMapType.Array, 4, 8, 1, Maps.BpfMapFlags.ReadOnlyProgram));
        using var store = TestSupport.Load(system, lookupAndStore, maps: map.Fd);
        Assert.Equal(BpfErrno.EFAULT, Assert.Throws<BpfException>(() => store.Program.Run([])).Errno);
        using var helper = TestSupport.Load(system, update, maps: map.Fd);
        Assert.Equal(unchecked((ulong)-1L), helper.Program.Run([]));
    }
}
