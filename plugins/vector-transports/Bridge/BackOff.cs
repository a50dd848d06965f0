namespace Framework.Plugins.VectorTransports.Bridge;

/// <summary>Exponential back-off between reopen attempts: initial, doubled per failure, capped; reset on success.</summary>
internal struct BackOff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _maximum;
    private TimeSpan _next;

    public BackOff(TimeSpan initial, TimeSpan maximum)
    {
        _initial = initial;
        _maximum = maximum < initial ? initial : maximum;
        _next = initial;
    }

    /// <summary>The wait before the next attempt; doubles what the following one will be.</summary>
    public TimeSpan Next()
    {
        var wait = _next;
        var doubled = _next * 2;
        _next = doubled > _maximum ? _maximum : doubled;
        return wait;
    }

    /// <summary>Back to the initial wait.</summary>
    public void Reset() => _next = _initial;
}
