using System.Text.Json.Nodes;
using Npgsql;
using RealtimeSync.Contracts.Http;
using RealtimeSync.OdooIngest.Sync;
using RealtimeSync.ServiceDefaults.Auth;

namespace RealtimeSync.OdooIngest.Records;

/// <summary>
/// <c>GET /api/ingest/records/{model}?limit=&amp;before=</c>: the synced records of one model, newest Odoo id first, in
/// keyset pages, for a screen's first load; from then on the screen follows <c>records/{model}</c> for changes. Archived
/// records (deleted in Odoo) are left out. Any signed-in user reads them, as any may subscribe to their topics.
/// </summary>
public static class IngestedRecordsEndpoint
{
    public const int MaxPage = 500;

    public static IEndpointRouteBuilder MapIngestedRecordsEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/ingest/records/{model}", ListAsync).RequireAuthorization(Policies.Reader).WithTags("Ingest")
            .WithSummary("The synced records of a model, newest first")
            .WithDescription("What odoo-ingest stored of one synced Odoo model (a stream's model or child model), newest Odoo id first, without the "
                + "records deleted in Odoo: `limit` records (1-500, default 100) below id `before`; pass `next` as the next `before` until it is null. "
                + "A screen's first load; it then follows `records/{model}` for changes.")
            .Answers<RouteHandlerBuilder, IngestedRecordsPage>(StatusCodes.Status200OK, "A page of records.")
            .Refuses(StatusCodes.Status400BadRequest, "`limit` outside 1-500, `before` below 1, or either not a number.")
            .Refuses(StatusCodes.Status404NotFound, "No stream syncs this model.");
        return app;
    }

    private static async Task<IResult> ListAsync(string model, int? limit, int? before, StreamScheduler scheduler, NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var models = scheduler.Streams.Values.SelectMany(stream => stream.Children.Select(child => child.Model).Prepend(stream.Model)).ToHashSet(StringComparer.Ordinal);
        if (!models.Contains(model))
        {
            return JsonRequestBody.Problem(StatusCodes.Status404NotFound, "Unknown model", $"No stream syncs '{model}'; synced: {string.Join(", ", models.Order(StringComparer.Ordinal))}.");
        }

        if (limit is < 1 or > MaxPage || before is < 1)
        {
            return JsonRequestBody.Problem(StatusCodes.Status400BadRequest, "Invalid paging", $"'limit' is 1 to {MaxPage} (default 100); 'before' is an Odoo id, the 'next' of the previous page.");
        }

        var page = limit ?? 100;
        await using var command = dataSource.CreateCommand($"""
            SELECT odoo_id, version, odoo_write_date, data FROM {OdooIngestExtensions.Schema}.records
            WHERE odoo_database = $1 AND model = $2 AND archived_at IS NULL AND odoo_id < $3
            ORDER BY odoo_id DESC LIMIT $4
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = scheduler.Database });
        command.Parameters.Add(new NpgsqlParameter { Value = model });
        command.Parameters.Add(new NpgsqlParameter { Value = before ?? int.MaxValue });
        command.Parameters.Add(new NpgsqlParameter { Value = page + 1 });
        var items = new List<IngestedRecord>();
        var more = false;
        var lastId = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (items.Count == page)
            {
                more = true;
                break;
            }

            lastId = reader.GetInt32(0);
            items.Add(new IngestedRecord(
                lastId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                reader.GetInt64(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                JsonNode.Parse(reader.GetString(3))!.AsObject()));
        }

        return TypedResults.Ok(new IngestedRecordsPage(model, items, more ? lastId : null));
    }
}
