using System.Text.Json.Nodes;
using Npgsql;
using RealtimeSync.Contracts;
using RealtimeSync.Outbox;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>Deletions leave no trace in Odoo: every Odoo id (archived included) is compared with the local ones, and what is gone is archived.</summary>
internal sealed class Reconciliation(NpgsqlDataSource dataSource, IngestedRecords records, OutboxSignal outboxSignal)
{
    /// <summary>Ids listed per search: an id costs a few bytes, so a model of 100,000 records is 20 calls.</summary>
    private const int SearchPage = 5000;

    public async Task RunAsync(Run run, CancellationToken cancellationToken)
    {
        foreach (var model in run.Options.Children.Select(child => child.Model).Prepend(run.Options.Model))
        {
            var inOdoo = await OdooIdsAsync(run, model, cancellationToken);
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var gone = (await IngestedRecords.LiveIdsAsync(connection, transaction, run.Database, model, cancellationToken)).Where(id => !inOdoo.Contains(id)).ToList();
            var changes = new List<RecordChanged>();
            var archived = await IngestedRecords.ArchiveAsync(connection, transaction, run.Database, model, gone, "deleted in Odoo", changes, cancellationToken);
            run.Counts.Add(model, "archived", archived.Count);

            // A line deleted on its own leaves its order's write_date alone: the order's stored list drops it here.
            var parents = model == run.Options.Model ? [] : archived.Where(child => child.Parent is not null).Select(child => child.Parent!.Value).ToHashSet();
            var aligned = await ParentRelations.AlignAsync(connection, transaction, run, parents, changes, cancellationToken);
            if (aligned > 0)
            {
                run.Counts.Add(run.Options.Model, "updated", aligned);
            }

            await records.PublishAsync(connection, transaction, changes, cancellationToken);
            await run.CommitAsync(transaction, cancellationToken);
            outboxSignal.Notify();
        }
    }

    /// <summary>Every id of the model in Odoo, one bit each (<see cref="ReadIds"/>): a million lines hold 125 KB, not a hash set.</summary>
    private static async Task<ReadIds> OdooIdsAsync(Run run, string model, CancellationToken cancellationToken)
    {
        var inOdoo = new ReadIds();
        for (var lastId = 0; ;)
        {
            var ids = await run.Odoo.SearchAsync(model, [new JsonArray("id", ">", lastId)], SearchPage, "id asc", cancellationToken);
            foreach (var id in ids)
            {
                inOdoo.Add(id);
            }

            if (ids.Count < SearchPage)
            {
                return inOdoo;
            }

            lastId = ids[^1];
        }
    }
}
