using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace RealtimeSync.UnitTests.ServiceDefaults;

/// <summary>
/// /health is readiness: each service checks every dependency it cannot work without (the client integrations register
/// the checks). The gateway's Redis only backs the rate limiter, which lets requests through while Redis is away: no check.
/// </summary>
public sealed class ReadinessTests
{
    [Theory]
    [InlineData("merge-api", "self,PostgreSql,masstransit-bus,outbox-set-aside")]
    [InlineData("odoo-ingest", "self,PostgreSql,masstransit-bus,outbox-set-aside")]
    [InlineData("change-notifier", "self,StackExchange.Redis,redis-eviction-policy,masstransit-bus,notifier-set-aside")]
    [InlineData("push-gateway", "self,StackExchange.Redis,redis-eviction-policy")]
    [InlineData("gateway", "self")]
    public void Every_dependency_has_a_readiness_check(string service, string checks)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["ConnectionStrings:mergedb"] = "Host=127.0.0.1;Port=1;Database=mergedb";
        builder.Configuration["ConnectionStrings:ingestdb"] = "Host=127.0.0.1;Port=1;Database=ingestdb";
        builder.Configuration["ConnectionStrings:redis"] = "127.0.0.1:1";
        builder.Configuration["ConnectionStrings:rabbitmq"] = "amqp://guest:guest@127.0.0.1:1";
        builder.Configuration["Auth:SigningKey"] = new string('k', 32);
        builder.AddServiceDefaults();
        _ = service switch
        {
            "merge-api" => builder.AddMergeApi(),
            "odoo-ingest" => builder.AddOdooIngest(),
            "change-notifier" => builder.AddChangeNotifier(),
            "push-gateway" => builder.AddPushGateway(),
            _ => builder.AddGateway(),
        };
        using var app = builder.Build();

        var registered = app.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Select(check => check.Name);

        Assert.Equal(checks.Split(','), registered);
    }
}
