using RealtimeSync.OdooIngest.Sync;

namespace RealtimeSync.UnitTests.OdooIngest;

public sealed class ReadIdsTests
{
    [Fact]
    public void Holds_exactly_the_ids_added_however_far_apart()
    {
        var read = new ReadIds();
        int[] added = [1, 63, 64, 65, 1_000_000, 2_000_003];
        foreach (var id in added)
        {
            read.Add(id);
        }

        Assert.All(added, id => Assert.True(read.Contains(id)));
        Assert.All(new[] { 0, 2, 62, 66, 999_999, 1_000_001, 2_000_002, 3_000_000, -1 }, id => Assert.False(read.Contains(id)));
    }
}
