using Framework.Host.Cli;

namespace Framework.Host.Tests.Cli;

public sealed class StartupAheadTests
{
    [Fact]
    public async Task Work_runs_in_the_order_it_was_added_off_the_calling_thread_with_results_and_exceptions_in_its_tasks()
    {
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var caller = Environment.CurrentManagedThreadId;
        var ahead = new StartupAhead("test ahead");
        var first = ahead.Add(() =>
        {
            order.Enqueue("first");
            return Environment.CurrentManagedThreadId;
        });
        var failing = ahead.Add<int>(() => throw new InvalidDataException("appsettings.json is malformed"));
        ahead.Add(() => order.Enqueue("last"));
        Assert.False(first.IsCompleted);

        ahead.Start();

        var thread = await first;
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => failing);
        await Task.Run(async () =>
        {
            while (order.Count < 2)
            {
                await Task.Delay(10);
            }
        }).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("appsettings.json is malformed", e.Message);
        Assert.Equal(["first", "last"], order);
        if (StartupAhead.HasSecondCore)
        {
            Assert.NotEqual(caller, thread);
        }
    }
}
