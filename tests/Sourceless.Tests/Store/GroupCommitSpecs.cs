using Sourceless.Store;

namespace Sourceless.Tests.Store;

/// <summary>Items share commits (TrialStore, "Group commit") on a real DuckDB file: a read sees
/// every item recorded before it, closing the store writes what is pending, and an item's rows and
/// its done marker still arrive together.</summary>
[Trait(Quick.Trait, Quick.Value)]
public sealed class GroupCommitSpecs : IDisposable
{
    private readonly TempFolder _tmp = new("sl-groupcommit");

    public void Dispose() => _tmp.Dispose();

    private static ExecutionRow Row(int i) =>
        new($"reliability|a{i}", $"a{i}", "reliability", "x86_64", "1.1", "passed", null, 3, 3, 1.5, 10, "", "cmd");

    [Fact]
    public void A_read_sees_every_item_recorded_before_it()
    {
        using var store = TrialStore.Open(_tmp.Sub("read.duckdb"));
        store.BeginSession("test");
        for (int i = 0; i < 5; i++) store.RecordRows($"item{i}", [Row(i)]);
        // Fewer items than a batch: nothing is committed yet, and a read flushes them first.
        Assert.True(5 < TrialStore.BatchItems);
        Assert.Equal(5, store.DoneItems().Count(d => d.StartsWith("item", StringComparison.Ordinal)));
        Assert.Equal(5L, store.Rows<Count>("SELECT COUNT(*) AS n FROM executions")[0].N);
    }

    [Fact]
    public void Closing_the_store_writes_the_pending_items_whole()
    {
        string path = _tmp.Sub("close.duckdb");
        using (var store = TrialStore.Open(path))
        {
            store.BeginSession("test");
            for (int i = 0; i < TrialStore.BatchItems + 3; i++) store.RecordRows($"item{i}", [Row(i)]);
        }
        using var again = TrialStore.Open(path, readOnly: true);
        var done = again.DoneItems().Where(d => d.StartsWith("item", StringComparison.Ordinal)).ToHashSet();
        var ids = again.Rows<Id>("SELECT artifact_id FROM executions").Select(r => r.ArtifactId).ToHashSet();
        Assert.Equal(TrialStore.BatchItems + 3, done.Count);
        // Every done item has its row, and no row lacks its done marker.
        Assert.Equal(done.Select(d => "a" + d[4..]).ToHashSet(), ids);
    }

    private sealed record Count(long N);
    private sealed record Id(string ArtifactId);
}
