namespace Framework.Plugins.BpfRuntime.Syscall;

/// <summary>
/// A map or program as the kernel's object model has it: an id, a reference count (handles, pins
/// and the programs that use a map each hold one), and a separate count of user references
/// (handles and pins) whose end clears program arrays, as the kernel's "uref" does to break
/// cycles. When the last reference goes the object is freed and its memlock charge returned.
/// Thread-safe.
/// </summary>
public abstract class BpfObject
{
    private static int s_nextId;
    private int _references = 1;
    private int _userReferences;

    /// <summary>Creates an object with one reference, owned by the creator.</summary>
    protected BpfObject(BpfSystem? system, long memlockCharge)
    {
        System = system;
        MemlockCharge = memlockCharge;
        Id = Interlocked.Increment(ref s_nextId);
    }

    /// <summary>A process-wide unique id, like the kernel's map and program ids.</summary>
    public int Id { get; }

    /// <summary>The system the object belongs to (null for objects made outside one).</summary>
    public BpfSystem? System { get; }

    /// <summary>The bytes charged against the memlock budget.</summary>
    public long MemlockCharge { get; }

    /// <summary>The current number of references.</summary>
    public int ReferenceCount => Volatile.Read(ref _references);

    /// <summary>Whether the object has been freed.</summary>
    public bool IsFreed => Volatile.Read(ref _references) <= 0;

    /// <summary>Takes a reference.</summary>
    /// <exception cref="BpfException">The object is already freed (EBADF).</exception>
    internal void AddReference()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current <= 0)
            {
                throw new BpfException(BpfErrno.EBADF, $"{GetType().Name} {Id} is already freed");
            }

            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current)
            {
                return;
            }
        }
    }

    /// <summary>Drops a reference; the last one frees the object.</summary>
    internal void Release()
    {
        var left = Interlocked.Decrement(ref _references);
        if (left == 0)
        {
            OnFree();
            System?.OnObjectFreed(this);
        }
    }

    internal void AddUserReference() => Interlocked.Increment(ref _userReferences);

    internal void ReleaseUserReference()
    {
        if (Interlocked.Decrement(ref _userReferences) == 0)
        {
            OnLastUserReference();
        }
    }

    /// <summary>Called once when the last handle or pin goes (before the references are dropped).</summary>
    protected virtual void OnLastUserReference()
    {
    }

    /// <summary>Called once when the object is freed: release what it holds.</summary>
    protected virtual void OnFree()
    {
    }
}
