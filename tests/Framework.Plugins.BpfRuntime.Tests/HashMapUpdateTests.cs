using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Tests;

/// <summary>An update of a hash map key reuses the value the previous update of that key replaced
/// (when no other key's update came in between): nothing is allocated, the update flags, the full
/// map, value sizes and per-CPU slots behave as before, and a replaced value is never handed to
/// another key.</summary>
public sealed class HashMapUpdateTests
{
    private static byte[] U32(uint v) => BitConverter.GetBytes(v);

    private static byte[] Pattern(int length, byte seed) => Enumerable.Range(0, length).Select(i => (byte)(seed + i)).ToArray();

    [Theory]
    [InlineData(BpfMapType.Hash)]
    [InlineData(BpfMapType.LruHash)]
    public void Replacing_a_value_from_a_program_allocates_nothing(BpfMapType type)
    {
        using var system = new BpfSystem();
        using var handle = system.CreateMap(new BpfMapDefinition(type, 4, 8, 16));
        var map = handle.Map;
        var key = U32(7);
        var value = new byte[8];
        Assert.Equal(0, map.UpdateElement(key, value, 0));
        Assert.Equal(0, map.UpdateElement(key, value, 0));

        // No assertion inside the measured loop: xunit's own comparisons allocate.
        var errors = 0;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            value[0] = (byte)i;
            errors |= map.UpdateElement(key, value, (ulong)(i % 2 == 0 ? BpfMapUpdateFlags.Any : BpfMapUpdateFlags.Exist));
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, errors);
        Assert.Equal(0, allocated);
        Assert.Equal(unchecked((byte)999), map.Lookup(key)[0]);
    }

    [Fact]
    public void Flags_and_a_full_map_give_the_same_errors_and_leave_values_alone_when_values_are_reused()
    {
        using var system = new BpfSystem();
        using var handle = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 2));
        var map = handle.Map;
        Assert.Equal(0, map.UpdateElement(U32(1), Pattern(8, 1), (ulong)BpfMapUpdateFlags.NoExist));
        Assert.Equal(0, map.UpdateElement(U32(1), Pattern(8, 2), (ulong)BpfMapUpdateFlags.Any));
        Assert.Equal((int)BpfErrno.EEXIST, map.UpdateElement(U32(1), Pattern(8, 3), (ulong)BpfMapUpdateFlags.NoExist));
        Assert.Equal(Pattern(8, 2), map.Lookup(U32(1)));
        Assert.Equal((int)BpfErrno.ENOENT, map.UpdateElement(U32(2), Pattern(8, 4), (ulong)BpfMapUpdateFlags.Exist));
        Assert.Throws<BpfException>(() => map.Lookup(U32(2)));
        Assert.Equal(0, map.UpdateElement(U32(1), Pattern(8, 5), (ulong)BpfMapUpdateFlags.Exist));

        Assert.Equal(0, map.UpdateElement(U32(2), Pattern(8, 6), (ulong)BpfMapUpdateFlags.NoExist));
        Assert.Equal((int)BpfErrno.E2BIG, map.UpdateElement(U32(3), Pattern(8, 7), (ulong)BpfMapUpdateFlags.Any));
        Assert.Equal(0, map.UpdateElement(U32(2), Pattern(8, 8), (ulong)BpfMapUpdateFlags.Exist));
        Assert.Equal(Pattern(8, 5), map.Lookup(U32(1)));
        Assert.Equal(Pattern(8, 8), map.Lookup(U32(2)));
        Assert.Equal(2, ((HashMap)map).Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(13)]
    [InlineData(64)]
    public void Values_of_any_size_come_back_whole_after_reuse(int valueSize)
    {
        using var system = new BpfSystem();
        using var handle = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, valueSize, 8));
        var map = handle.Map;
        for (byte round = 0; round < 6; round++)
        {
            // Alternate user-side and program-side updates of two keys, then a third key.
            map.Update(U32(1), Pattern(valueSize, round));
            Assert.Equal(0, map.UpdateElement(U32(2), Pattern(valueSize, (byte)(round + 100)), 0));
        }

        Assert.Equal(0, map.UpdateElement(U32(3), Pattern(valueSize, 200), 0));
        Assert.Equal(Pattern(valueSize, 5), map.Lookup(U32(1)));
        Assert.Equal(Pattern(valueSize, 105), map.Lookup(U32(2)));
        Assert.Equal(Pattern(valueSize, 200), map.Lookup(U32(3)));
    }

    [Fact]
    public void A_program_holding_a_replaced_value_still_reads_it_after_the_update()
    {
        using var system = new BpfSystem();
        using var handle = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 4));
        var map = handle.Map;
        map.Update(U32(1), Pattern(8, 1));
        map.Update(U32(1), Pattern(8, 2));
        Assert.True(map.TryLookupElement(U32(1), out var held));
        Assert.Equal(0, map.UpdateElement(U32(1), Pattern(8, 3), 0));
        Assert.Equal(Pattern(8, 2), held.Array.AsSpan(held.Offset, held.Length).ToArray());
        Assert.Equal(Pattern(8, 3), map.Lookup(U32(1)));
    }

    [Fact]
    public void A_replaced_value_is_reused_only_by_an_update_of_its_own_key()
    {
        using var system = new BpfSystem();
        using var handle = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 4));
        var map = handle.Map;
        map.Update(U32(1), Pattern(8, 1));
        map.Update(U32(2), Pattern(8, 50));
        Assert.True(map.TryLookupElement(U32(1), out var first));
        map.Update(U32(1), Pattern(8, 2));

        // Other keys' updates, inserts and deletes leave key 1's replaced value alone.
        map.Update(U32(2), Pattern(8, 51));
        map.Update(U32(2), Pattern(8, 52));
        map.Update(U32(3), Pattern(8, 60));
        map.Delete(U32(3));
        Assert.Equal(Pattern(8, 1), first.Array.AsSpan(first.Offset, first.Length).ToArray());

        // Key 2's updates took the map's one spare: key 1's old value is let go, not reused.
        map.Update(U32(1), Pattern(8, 3));
        Assert.Equal(Pattern(8, 1), first.Array.AsSpan(first.Offset, first.Length).ToArray());

        // Without other keys in between, a held value stays intact over one update of its key and
        // the next one writes into it.
        Assert.True(map.TryLookupElement(U32(1), out var held));
        map.Update(U32(1), Pattern(8, 4));
        Assert.Equal(Pattern(8, 3), held.Array.AsSpan(held.Offset, held.Length).ToArray());
        map.Update(U32(1), Pattern(8, 5));
        Assert.Equal(Pattern(8, 5), held.Array.AsSpan(held.Offset, held.Length).ToArray());
        Assert.Equal(Pattern(8, 5), map.Lookup(U32(1)));
        Assert.Equal(Pattern(8, 52), map.Lookup(U32(2)));
    }

    [Fact]
    public void A_per_cpu_value_made_by_a_program_has_only_its_cpus_slot_set_and_updates_it_in_place()
    {
        using var system = new BpfSystem();
        using var handle = system.CreateMap(new BpfMapDefinition(BpfMapType.PerCpuHash, 4, 12, 4));
        var map = handle.Map;
        var stride = 16;
        var all = Enumerable.Repeat((byte)0xee, map.UserValueSize).ToArray();
        map.Update(U32(1), all);
        map.Update(U32(1), all);
        Assert.Equal(0, map.UpdateElement(U32(3), Pattern(12, 1), 0));

        var value = map.Lookup(U32(3));
        Assert.Equal(map.UserValueSize, value.Length);
        var set = Enumerable.Range(0, BpfMap.PossibleCpus).Where(cpu => value.AsSpan(cpu * stride, stride).IndexOfAnyExcept((byte)0) >= 0).ToList();
        Assert.Single(set);
        Assert.Equal(Pattern(12, 1), value.AsSpan(set[0] * stride, 12).ToArray());
        Assert.Equal(all, map.Lookup(U32(1)));
    }
}
