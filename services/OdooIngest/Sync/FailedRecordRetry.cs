using System.Text.Json.Nodes;
using Npgsql;

namespace RealtimeSync.OdooIngest.Sync;

/// <summary>
/// Records that failed in an earlier run, parents and children, are read again by id whatever their write_date; a failure
/// whose record is gone from Odoo is dropped (reconciliation archives the record).
/// </summary>
internal sealed class FailedRecordRetry(NpgsqlDataSource dataSource, RecordFailures failures, PageStore pages)
{
    private const int ReadChunk = 500;

    public async Task RunAsync(Run run, CancellationToken cancellationToken)
    {
        await RetryAsync(run, run.Options.Model, ids => PageReader.ParentsByIdAsync(run, ids, cancellationToken), cancellationToken);
        foreach (var relation in run.Options.Children)
        {
            await RetryAsync(run, relation.Model, ids => PageReader.ChildrenByIdAsync(run, relation, ids, cancellationToken), cancellationToken);
        }
    }

    private async Task RetryAsync(Run run, string model, Func<IReadOnlyList<int>, Task<StorePage>> read, CancellationToken cancellationToken)
    {
        // A record that failed earlier in this run (read already) waits for the next run.
        var failed = (await failures.FailedIdsAsync(run.Stream, run.Database, model, cancellationToken)).Where(id => !run.Read(model).Contains(id));
        foreach (var chunk in failed.Chunk(ReadChunk))
        {
            var existing = await run.Odoo.SearchAsync(model, [new JsonArray("id", "in", new JsonArray(chunk.Select(id => (JsonNode?)id).ToArray()))], chunk.Length, "id asc", cancellationToken);
            var gone = chunk.Except(existing).ToList();
            if (gone.Count > 0)
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await RecordFailures.ClearAsync(connection, transaction, run.Stream, run.Database, model, gone, cancellationToken);
                await run.CommitAsync(transaction, cancellationToken);
            }

            if (existing.Count > 0)
            {
                await pages.StoreAsync(run, await read(existing), progress: null, cancellationToken);
            }
        }
    }
}
