using System.Buffers.Binary;
using Framework.Plugins.BpfRuntime.Maps;
using Framework.Plugins.BpfRuntime.Syscall;

namespace Framework.Plugins.BpfRuntime.Tests;

public sealed class MapTests
{
    private static byte[] U32(uint v) => BitConverter.GetBytes(v);

    private static byte[] U64(ulong v) => BitConverter.GetBytes(v);

    [Fact]
    public void Update_with_NOEXIST_on_existing_key_fails_with_EEXIST()
    {
        using var system = new BpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 4));
        map.Map.Update(U32(1), U64(10), BpfMapUpdateFlags.NoExist);
        var e = Assert.Throws<BpfException>(() => map.Map.Update(U32(1), U64(11), BpfMapUpdateFlags.NoExist));
        Assert.Equal(BpfErrno.EEXIST, e.Errno);
        Assert.Equal(U64(10), map.Map.Lookup(U32(1)));
    }

    [Fact]
    public void Update_with_EXIST_on_missing_key_fails_with_ENOENT()
    {
        using var system = new BpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 4));
        Assert.Equal(BpfErrno.ENOENT, Assert.Throws<BpfException>(() => map.Map.Update(U32(1), U64(1), BpfMapUpdateFlags.Exist)).Errno);
        map.Map.Update(U32(1), U64(1));
        map.Map.Update(U32(1), U64(2), BpfMapUpdateFlags.Exist);
        Assert.Equal(U64(2), map.Map.Lookup(U32(1)));
    }

    [Fact]
    public void A_full_hash_map_fails_with_E2BIG_but_still_updates_existing_keys()
    {
        using var system = new BpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 2));
        map.Map.Update(U32(1), U64(1));
        map.Map.Update(U32(2), U64(2));
        Assert.Equal(BpfErrno.E2BIG, Assert.Throws<BpfException>(() => map.Map.Update(U32(3), U64(3))).Errno);
        map.Map.Update(U32(2), U64(20));
    }

    [Fact]
    public void Invalid_update_flags_fail_with_EINVAL()
    {
        using var system = new BpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 2));
        Assert.Equal(BpfErrno.EINVAL, Assert.Throws<BpfException>(() => map.Map.Update(U32(1), U64(1), (BpfMapUpdateFlags)3)).Errno);
        Assert.Equal(BpfErrno.EINVAL, Assert.Throws<BpfException>(() => map.Map.Update(U32(1), U64(1), BpfMapUpdateFlags.Lock)).Errno);
        Assert.Equal(BpfErrno.EINVAL, Assert.Throws<BpfException>(() => map.Map.Update(U32(1), U64(1), (BpfMapUpdateFlags)8)).Errno);
    }

    [Fact]
    public void Wrong_key_and_value_sizes_fail_with_EINVAL_naming_the_field()
    {
        using var system = new BpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 2));
        Assert.Equal("key", Assert.Throws<BpfException>(() => map.Map.Update(new byte[3], U64(1))).Field);
        Assert.Equal("value", Assert.Throws<BpfException>(() => map.Map.Update(U32(1), new byte[7])).Field);
    }

    [Fact]
    public void Get_next_key_from_a_missing_key_starts_over_and_iteration_sees_every_key()
    {
        using var system = new BpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 100));
        for (uint i = 0; i < 50; i++)
        {
            map.Map.Update(U32(i), U64(i));
        }

        var first = new byte[4];
        Assert.True(map.Map.TryGetNextKey([], first));
        var fromMissing = new byte[4];
        Assert.True(map.Map.TryGetNextKey(U32(999), fromMissing));
        Assert.Equal(first, fromMissing);

        var seen = new HashSet<uint>();
        var key = Array.Empty<byte>();
        var next = new byte[4];
        while (map.Map.TryGetNextKey(key, next))
        {
            Assert.True(seen.Add(BinaryPrimitives.ReadUInt32LittleEndian(next)));
            key = next.ToArray();
        }

        Assert.Equal(50, seen.Count);
    }

    [Fact]
    public void Batch_lookup_pages_through_the_map()
    {
        using var system = new BpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 100));
        for (uint i = 0; i < 25; i++)
        {
            map.Map.Update(U32(i), U64(i * 2));
        }

        var total = 0;
        var after = Array.Empty<byte>();
        while (map.Map.LookupBatch(after, 10) is { Count: > 0 } batch)
        {
            Assert.True(batch.Count <= 10);
            foreach (var (k, v) in batch)
            {
                Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(k) * 2UL, BinaryPrimitives.ReadUInt64LittleEndian(v));
            }

            total += batch.Count;
            after = batch[^1].Key;
        }

        Assert.Equal(25, total);
    }

    [Fact]
    public void Arrays_always_hold_every_index()
    {
        using var system = new BpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Array, 4, 8, 4));
        Assert.Equal(U64(0), map.Map.Lookup(U32(3)));
        Assert.Equal(BpfErrno.EEXIST, Assert.Throws<BpfException>(() => map.Map.Update(U32(1), U64(1), BpfMapUpdateFlags.NoExist)).Errno);
        Assert.Equal(BpfErrno.E2BIG, Assert.Throws<BpfException>(() => map.Map.Update(U32(4), U64(1))).Errno);
        Assert.Equal(BpfErrno.EINVAL, Assert.Throws<BpfException>(() => map.Map.Delete(U32(1))).Errno);
        Assert.Equal(BpfErrno.ENOENT, Assert.Throws<BpfException>(() => map.Map.Lookup(U32(4))).Errno);
        var next = new byte[4];
        Assert.True(map.Map.TryGetNextKey(U32(77), next));
        Assert.Equal(U32(0), next);
        Assert.False(map.Map.TryGetNextKey(U32(3), next));
    }

    [Fact]
    public void Per_cpu_maps_show_one_aligned_value_per_cpu_on_the_syscall_side()
    {
        using var system = new BpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.PerCpuArray, 4, 4, 2));
        Assert.Equal(8 * BpfMap.PossibleCpus, map.Map.UserValueSize);
        using var hash = system.CreateMap(new BpfMapDefinition(BpfMapType.PerCpuHash, 4, 12, 2));
        Assert.Equal(16 * BpfMap.PossibleCpus, hash.Map.UserValueSize);
        hash.Map.Update(U32(1), new byte[hash.Map.UserValueSize]);
    }

    [Fact]
    public void A_full_LRU_map_evicts_the_least_recently_used_key()
    {
        using var system = new BpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.LruHash, 4, 8, 2));
        using var program = TestSupport.Load(system, "stw [%r10-4], 1\nmov %r2, %r10\nadd %r2, -4\nlddw %r1, map_idx(0)\ncall 1\nmov %r0, 0\nexit", maps: map.Fd);
        map.Map.Update(U32(1), U64(1));
        map.Map.Update(U32(2), U64(2));
        program.Program.Run([]); // touches key 1
        map.Map.Update(U32(3), U64(3));
        Assert.True(map.Map.TryLookup(U32(1), new byte[8]));
        Assert.False(map.Map.TryLookup(U32(2), new byte[8]));
        Assert.True(map.Map.TryLookup(U32(3), new byte[8]));
    }

    [Theory]
    [InlineData(BpfMapType.Hash, 0, 8, 1, 0u, BpfErrno.EINVAL, "key_size")]
    [InlineData(BpfMapType.Hash, 513, 8, 1, 0u, BpfErrno.E2BIG, "key_size")]
    [InlineData(BpfMapType.Hash, 4, 0, 1, 0u, BpfErrno.EINVAL, "value_size")]
    [InlineData(BpfMapType.Hash, 4, 8, 0, 0u, BpfErrno.EINVAL, "max_entries")]
    [InlineData(BpfMapType.Hash, 4, 8, 1, 0x400u, BpfErrno.EINVAL, "map_flags")]
    [InlineData(BpfMapType.Hash, 4, 8, 1, 0x18u, BpfErrno.EINVAL, "map_flags")]
    [InlineData(BpfMapType.LruHash, 4, 8, 1, 1u, BpfErrno.ENOTSUPP, "map_flags")]
    [InlineData(BpfMapType.Array, 8, 8, 1, 0u, BpfErrno.EINVAL, "key_size")]
    [InlineData(BpfMapType.Array, 4, 8 << 20, 1, 0u, BpfErrno.E2BIG, "value_size")]
    [InlineData(BpfMapType.PerCpuArray, 4, 40000, 1, 0u, BpfErrno.E2BIG, "value_size")]
    [InlineData(BpfMapType.ProgramArray, 4, 8, 1, 0u, BpfErrno.EINVAL, "value_size")]
    [InlineData(BpfMapType.RingBuffer, 0, 0, 5000, 0u, BpfErrno.EINVAL, "max_entries")]
    [InlineData(BpfMapType.RingBuffer, 4, 0, 4096, 0u, BpfErrno.EINVAL, "key_size")]
    [InlineData((BpfMapType)99, 4, 4, 1, 0u, BpfErrno.EINVAL, "map_type")]
    public void Create_validates_attributes_as_the_kernel_does(BpfMapType type, int key, int value, int max, uint flags, BpfErrno errno, string field)
    {
        using var system = new BpfSystem();
        var e = Assert.Throws<BpfException>(() => system.CreateMap(new BpfMapDefinition(type, key, value, max, (BpfMapFlags)flags)));
        Assert.Equal(errno, e.Errno);
        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void Oversized_maps_exceed_the_memlock_budget_with_EPERM_and_freeing_returns_the_charge()
    {
        using var system = new BpfSystem(new BpfSystemOptions { MemlockLimit = 1 << 20 });
        Assert.Equal(BpfErrno.EPERM, Assert.Throws<BpfException>(() => system.CreateMap(new BpfMapDefinition(BpfMapType.Array, 4, 1024, 2048))).Errno);
        var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Array, 4, 1024, 512));
        Assert.True(system.MemlockUsed > 512 * 1024);
        map.Dispose();
        Assert.Equal(0, system.MemlockUsed);
    }

    [Fact]
    public void Read_only_maps_refuse_syscall_updates_with_EPERM()
    {
        using var system = new BpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 2, BpfMapFlags.ReadOnly));
        Assert.Equal(BpfErrno.EPERM, Assert.Throws<BpfException>(() => map.Map.Update(U32(1), U64(1))).Errno);
    }

    [Fact]
    public void Hash_maps_stay_consistent_under_concurrent_updates_and_deletes()
    {
        using var system = new BpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 64));
        Parallel.For(0, 8, t =>
        {
            for (uint i = 0; i < 2000; i++)
            {
                var key = U32((i % 32) + ((uint)t % 2 * 32));
                try
                {
                    map.Map.Update(key, U64(i));
                }
                catch (BpfException e) when (e.Errno == BpfErrno.E2BIG)
                {
                }

                map.Map.TryLookup(key, new byte[8]);
                if (i % 7 == 0)
                {
                    try
                    {
                        map.Map.Delete(key);
                    }
                    catch (BpfException e) when (e.Errno == BpfErrno.ENOENT)
                    {
                    }
                }
            }
        });
        var count = map.Map.Entries().Count();
        Assert.Equal(((HashMap)map.Map).Count, count);
        Assert.InRange(count, 0, 64);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(16)]
    [InlineData(64)]
    public void Keys_of_any_size_are_found_updated_deleted_and_iterated_once(int keySize)
    {
        using var system = new BpfSystem();
        var count = keySize == 1 ? 256 : 300;
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, keySize, 8, count));
        byte[] Key(int i)
        {
            var key = new byte[keySize];
            for (var b = 0; b < keySize; b++)
            {
                // Keys that share most of their bytes, as packet tuples do.
                key[b] = (byte)(b == keySize - 1 ? i : b == 0 ? i >> 8 : 7);
            }

            return key;
        }

        for (var i = 0; i < count; i++)
        {
            map.Map.Update(Key(i), U64((ulong)i));
        }

        for (var i = 0; i < count; i += 3)
        {
            map.Map.Delete(Key(i));
        }

        for (var i = 0; i < count; i++)
        {
            var value = new byte[8];
            Assert.Equal(i % 3 != 0, map.Map.TryLookup(Key(i), value));
            if (i % 3 != 0)
            {
                Assert.Equal((ulong)i, BinaryPrimitives.ReadUInt64LittleEndian(value));
            }
        }

        var seen = new HashSet<string>();
        var key = Array.Empty<byte>();
        var next = new byte[keySize];
        while (map.Map.TryGetNextKey(key, next))
        {
            Assert.True(seen.Add(Convert.ToHexString(next)));
            key = next.ToArray();
        }

        Assert.Equal(count - ((count + 2) / 3), seen.Count);
        Assert.Equal(seen.Count, ((HashMap)map.Map).Count);
    }

    [Fact]
    public void Maps_made_with_BPF_F_ZERO_SEED_and_the_same_keys_iterate_in_the_same_order()
    {
        using var system = new BpfSystem();
        using var a = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 64, BpfMapFlags.ZeroSeed));
        using var b = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 64, BpfMapFlags.ZeroSeed));
        for (uint i = 0; i < 40; i++)
        {
            a.Map.Update(U32(i * 7919), U64(i));
            b.Map.Update(U32(i * 7919), U64(i));
        }

        Assert.Equal(a.Map.Entries().Select(e => Convert.ToHexString(e.Key)), b.Map.Entries().Select(e => Convert.ToHexString(e.Key)));
    }

    [Fact]
    public async Task Lookups_beside_concurrent_updates_and_deletes_find_only_their_own_keys_values()
    {
        // Lookups take no lock: a reader walking a chain while writers link and unlink elements must
        // still find exactly the key it asked for, or nothing.
        using var system = new BpfSystem();
        using var map = system.CreateMap(new BpfMapDefinition(BpfMapType.Hash, 4, 8, 16));
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 2).Select(t => Task.Run(() =>
        {
            for (uint i = 0; !stop.IsCancellationRequested; i++)
            {
                var k = (i * 5 + (uint)t) % 16;
                map.Map.Update(U32(k), U64((ulong)k << 32 | i));
                if (i % 3 == 0)
                {
                    try
                    {
                        map.Map.Delete(U32((k + 7) % 16));
                    }
                    catch (BpfException e) when (e.Errno == BpfErrno.ENOENT)
                    {
                    }
                }
            }
        })).ToArray();
        var value = new byte[8];
        for (var n = 0; n < 200_000; n++)
        {
            var k = (uint)n % 16;
            if (map.Map.TryLookup(U32(k), value))
            {
                Assert.Equal(k, (uint)(BinaryPrimitives.ReadUInt64LittleEndian(value) >> 32));
            }
        }

        await stop.CancelAsync();
        await Task.WhenAll(writers);
        Assert.Equal(map.Map.Entries().Count(), ((HashMap)map.Map).Count);
    }

    [Fact]
    public void Ring_buffer_key_operations_are_not_supported()
    {
        using var system = new BpfSystem();
        using var ring = system.CreateMap(new BpfMapDefinition(BpfMapType.RingBuffer, 0, 0, 4096));
        Assert.Equal(BpfErrno.ENOTSUPP, Assert.Throws<BpfException>(() => ring.Map.Lookup([])).Errno);
    }
}
