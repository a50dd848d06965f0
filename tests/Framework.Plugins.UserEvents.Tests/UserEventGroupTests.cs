using System.Runtime.InteropServices;
using Framework.Plugins.UserEvents;
using Framework.Plugins.UserEvents.Backends;
using Framework.Plugins.UserEvents.Definitions;
using Framework.Plugins.UserEvents.Groups;

namespace Framework.Plugins.UserEvents.Tests;

public sealed class UserEventGroupTests : IDisposable
{
    private readonly UserEventGroupRegistry _registry = new(isPerfmonCapable: true);
    private readonly List<nint> _words = [];

    public unsafe void Dispose()
    {
        foreach (var word in _words)
        {
            NativeMemory.AlignedFree((void*)word);
        }
    }

    [Fact]
    public void Same_name_and_fields_is_the_same_event_and_other_fields_are_EADDRINUSE()
    {
        using var file = _registry.Open();
        var first = file.Register("e u32 a;u32 b", UserEventRegisterFlags.None, Word(), 0, 4);
        var again = file.Register("e u32 a; u32 b", UserEventRegisterFlags.None, Word(), 0, 4);
        Assert.Equal(first.WriteIndex, again.WriteIndex);
        var error = Assert.Throws<UserEventsException>(() => file.Register("e u64 a", UserEventRegisterFlags.None, Word(), 0, 4));
        Assert.Equal(UserEventsErrno.EADDRINUSE, error.Errno);
        Assert.Single(_registry.Root.Events);
    }

    [Fact]
    public void Multi_format_events_get_name_dot_id_tracepoints_in_the_multi_system()
    {
        using var file = _registry.Open();
        var a = file.Register("m u32 a", UserEventRegisterFlags.MultiFormat, Word(), 0, 4);
        var b = file.Register("m u64 a", UserEventRegisterFlags.MultiFormat, Word(), 0, 4);
        var single = file.Register("m u8 z", UserEventRegisterFlags.None, Word(), 0, 4);
        Assert.Equal(("user_events_multi", "m.0"), (a.System, a.TracepointName));
        Assert.Equal("m.1", b.TracepointName);
        Assert.Equal(("user_events", "m"), (single.System, single.TracepointName));
    }

    [Fact]
    public unsafe void The_enable_bit_flips_when_a_consumer_attaches_and_back_when_it_detaches()
    {
        using var file = _registry.Open();
        var word = Word();
        var registration = file.Register("e u32 a", UserEventRegisterFlags.None, word, 5, 4);
        Assert.Equal(0, *(int*)word);
        var userEvent = _registry.Root.Find("e")!;
        var received = new List<byte[]>();
        var attachment = userEvent.Attach(new Collect(received), UserEventConsumerKind.Ftrace);
        Assert.Equal(1 << 5, *(int*)word);
        Assert.Contains("e # Used by ftrace", _registry.Root.FormatStatus(), StringComparison.Ordinal);
        Assert.Equal(8, file.Write([(byte)registration.WriteIndex, 0, 0, 0, 42, 0, 0, 0]));
        Assert.Equal(42, received.Single()[8]);
        attachment.Dispose();
        Assert.Equal(0, *(int*)word);
        Assert.Equal(UserEventsErrno.EBADF, Assert.Throws<UserEventsException>(() => file.Write([0, 0, 0, 0, 1, 0, 0, 0])).Errno);
    }

    [Fact]
    public void Writes_fail_as_the_kernel_fails_them()
    {
        using var file = _registry.Open();
        file.Register("e u32 a;__rel_loc char[] s", UserEventRegisterFlags.None, Word(), 0, 4);
        using var attached = _registry.Root.Find("e")!.Attach(new Collect([]));
        Assert.Equal(UserEventsErrno.EFAULT, Error(() => file.Write([0, 0])));
        Assert.Equal(UserEventsErrno.EINVAL, Error(() => file.Write([0xff, 0xff, 0xff, 0xff])));
        Assert.Equal(UserEventsErrno.ENOENT, Error(() => file.Write([1, 0, 0, 0])));
        Assert.Equal(UserEventsErrno.EINVAL, Error(() => file.Write([0, 0, 0, 0, 1, 2, 3])));
        Assert.Equal(UserEventsErrno.EFAULT, Error(() => file.Write([0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 9, 0])));
    }

    [Fact]
    public void Enablers_are_checked_like_user_reg_and_unique_per_address_and_bit()
    {
        using var file = _registry.Open();
        var word = Word();
        Assert.Equal(UserEventsErrno.EINVAL, Error(() => file.Register("e u8 a", 0, word, 0, 2)));
        Assert.Equal(UserEventsErrno.EINVAL, Error(() => file.Register("e u8 a", 0, word + 1, 0, 4)));
        Assert.Equal(UserEventsErrno.EINVAL, Error(() => file.Register("e u8 a", 0, word, 32, 4)));
        Assert.Equal(UserEventsErrno.EINVAL, Error(() => file.Register("e u8 a", (UserEventRegisterFlags)4, word, 0, 4)));
        file.Register("e u8 a", 0, word, 0, 4);
        Assert.Equal(UserEventsErrno.EADDRINUSE, Error(() => file.Register("f u8 a", 0, word, 0, 4)));
        file.Unregister(word, 0);
        Assert.Equal(UserEventsErrno.ENOENT, Error(() => file.Unregister(word, 0)));
    }

    [Fact]
    public void Delete_is_EBUSY_while_referenced_and_a_non_persistent_event_goes_with_its_last_reference()
    {
        var word = Word();
        var file = _registry.Open();
        file.Register("e u8 a", 0, word, 0, 4);
        using var deleter = _registry.Open();
        Assert.Equal(UserEventsErrno.EBUSY, Error(() => deleter.Delete("e")));
        file.Unregister(word, 0);
        file.Dispose();
        Assert.Empty(_registry.Root.Events);
        Assert.Equal(UserEventsErrno.ENOENT, Error(() => deleter.Delete("e")));

        var persistent = _registry.Open();
        var word2 = Word();
        persistent.Register("p u8 a", UserEventRegisterFlags.Persist, word2, 0, 4);
        persistent.Unregister(word2, 0);
        persistent.Dispose();
        Assert.Single(_registry.Root.Events);
        deleter.Delete("p");
        Assert.Empty(_registry.Root.Events);
    }

    [Fact]
    public void Persistent_events_need_CAP_PERFMON()
    {
        var registry = new UserEventGroupRegistry(isPerfmonCapable: false);
        using var file = registry.Open();
        Assert.Equal(UserEventsErrno.EPERM, Error(() => file.Register("p u8 a", UserEventRegisterFlags.Persist, Word(), 0, 4)));
    }

    [Fact]
    public void User_events_max_limits_events_across_groups_with_EMFILE()
    {
        var registry = new UserEventGroupRegistry(maxEvents: 2, isPerfmonCapable: true);
        using var a = registry.Open();
        using var b = registry.Open("other");
        a.Register("x u8 a", 0, Word(), 0, 4);
        b.Register("y u8 a", 0, Word(), 0, 4);
        Assert.Equal(UserEventsErrno.EMFILE, Error(() => a.Register("z u8 a", 0, Word(), 0, 4)));
    }

    [Fact]
    public void Groups_are_isolated_and_a_group_goes_away_with_its_last_user_and_its_events_with_it()
    {
        var one = _registry.Open("tenant_one");
        using var two = _registry.Open("tenant_two");
        var w1 = Word();
        one.Register("e u32 a", UserEventRegisterFlags.Persist, w1, 0, 4);
        two.Register("e u64 other", 0, Word(), 0, 4);
        Assert.Equal("tenant_one", one.SystemName);
        Assert.Null(_registry.Root.Find("e"));
        Assert.Equal("u64 other", _registry.Find("tenant_two")!.Find("e")!.Definition.Fields[0].Describe());
        var oneGroup = _registry.Find("tenant_one")!;
        one.Dispose();
        Assert.False(oneGroup.IsLive);
        Assert.Null(_registry.Find("tenant_one"));
        Assert.Empty(oneGroup.Events);
        using var reopened = _registry.Open("tenant_one");
        Assert.Empty(_registry.Find("tenant_one")!.Events);
    }

    [Fact]
    public void Concurrent_registration_from_many_threads_yields_one_event_per_name()
    {
        using var file = _registry.Open("busy");
        var indexes = new System.Collections.Concurrent.ConcurrentBag<(string, int)>();
        var words = Enumerable.Range(0, 400).Select(_ => Word()).ToArray();
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 16 }, i =>
        {
            var name = $"ev{i % 10}";
            indexes.Add((name, file.Register($"{name} u32 a;u64 b", 0, words[i], 0, 4).WriteIndex));
        });
        Assert.Equal(10, _registry.Find("busy")!.Events.Count);
        Assert.All(indexes.GroupBy(x => x.Item1), g => Assert.Single(g.Select(x => x.Item2).Distinct()));
        Assert.Equal(10, indexes.Select(x => x.Item2).Distinct().Count());
    }

    [Fact]
    public async Task Teardown_while_events_are_being_written_ends_writes_with_errors_never_crashes()
    {
        var backend = new InProcessBackend(_registry, "test");
        var set = new UserEventSet(backend, "teardown");
        var tracepoint = set.Register("t u32 a");
        var received = 0;
        var listener = backend.Listen(null, "teardown", _ => Interlocked.Increment(ref received));
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            var errors = 0;
            Span<byte> buffer = stackalloc byte[16];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    if (tracepoint.IsEnabled)
                    {
                        var w = tracepoint.CreateWriter(buffer);
                        w.WriteUnsigned(1);
                        tracepoint.Write(w.Complete());
                    }
                }
                catch (UserEventsException)
                {
                    errors++;
                }
            }

            return errors;
        })).ToArray();
        await Task.Delay(100);
        listener.Dispose();
        await Task.Delay(50);
        set.Dispose();
        await Task.Delay(50);
        await stop.CancelAsync();
        await Task.WhenAll(writers);
        Assert.True(received > 0);
        Assert.Null(_registry.Find("teardown"));
        Assert.False(tracepoint.IsEnabled || tracepoint.Emitted == 0);
    }

    private unsafe nint Word()
    {
        var word = (nint)NativeMemory.AlignedAlloc(8, 8);
        *(long*)word = 0;
        _words.Add(word);
        return word;
    }

    private static UserEventsErrno Error(Action action) => Assert.Throws<UserEventsException>(action).Errno;

    private static UserEventsErrno Error(Func<object> action) => Assert.Throws<UserEventsException>(() => action()).Errno;

    private sealed class Collect(List<byte[]> records) : IUserEventConsumer
    {
        public void OnRecord(UserEvent userEvent, ReadOnlySpan<byte> record)
        {
            lock (records)
            {
                records.Add(record.ToArray());
            }
        }
    }
}
