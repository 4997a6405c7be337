using RealtimeSync.OdooIngest.Sync;

namespace RealtimeSync.UnitTests.OdooIngest;

public sealed class RelationListTests
{
    [Fact]
    public void A_list_that_names_exactly_the_stored_children_is_left_as_odoo_ordered_it()
    {
        Assert.Null(RelationList.Align([7, 3, 5], new HashSet<int> { 3, 5, 7 }));
    }

    [Fact]
    public void A_child_added_on_its_own_joins_the_list_after_the_ones_odoo_ordered()
    {
        Assert.Equal([7, 3, 5, 9, 12], RelationList.Align([7, 3, 5], new HashSet<int> { 12, 3, 9, 5, 7 }));
    }

    [Fact]
    public void A_child_deleted_or_moved_away_leaves_the_list()
    {
        Assert.Equal([7, 5], RelationList.Align([7, 3, 5], new HashSet<int> { 5, 7 }));
        Assert.Equal([], RelationList.Align([7], new HashSet<int>()));
    }
}
