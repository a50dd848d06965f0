using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Framework.Plugins.BpfRuntime.Helpers;

/// <summary>
/// The helpers programs may call, keyed by id: the registration point for code that adds helpers.
/// A new registry holds the standard ones with the kernel's ids: map_lookup_elem (1),
/// map_update_elem (2), map_delete_elem (3), ktime_get_ns (5), trace_printk (6, GPL-only),
/// get_prandom_u32 (7), get_smp_processor_id (8), tail_call (12), ringbuf_output (130),
/// ringbuf_reserve (131), ringbuf_submit (132) and ringbuf_discard (133). Programs resolve helpers
/// when they are loaded, so a registration affects programs loaded afterwards. Thread-safe.
/// </summary>
public sealed class BpfHelperRegistry
{
    private readonly ConcurrentDictionary<int, BpfHelper> _helpers = new();

    /// <summary>Creates a registry with the standard helpers.</summary>
    public BpfHelperRegistry()
    {
        StandardHelpers.RegisterAll(this);
    }

    /// <summary>A shared registry with the standard helpers, for programs made outside a system.</summary>
    public static BpfHelperRegistry Default { get; } = new();

    /// <summary>Adds a helper, or replaces the one with the same id.</summary>
    /// <exception cref="ArgumentException">The id is not positive or the name is empty.</exception>
    public void Register(BpfHelperPrototype prototype, BpfHelperFunction function)
    {
        ArgumentNullException.ThrowIfNull(prototype);
        ArgumentNullException.ThrowIfNull(function);
        if (prototype.Id <= 0)
        {
            throw new ArgumentException($"helper id {prototype.Id} must be positive", nameof(prototype));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(prototype.Name);
        _helpers[prototype.Id] = new BpfHelper(prototype, function);
    }

    /// <summary>Finds a helper by id.</summary>
    public bool TryGet(int id, [NotNullWhen(true)] out BpfHelper? helper) => _helpers.TryGetValue(id, out helper);

    /// <summary>All helpers, by id.</summary>
    public IReadOnlyList<BpfHelper> All => _helpers.Values.OrderBy(h => h.Prototype.Id).ToArray();
}
