using RealtimeSync.FunctionalTests.Infrastructure;

namespace RealtimeSync.FunctionalTests.Records;

/// <summary>Seed 003's story end to end: a backoffice save reaches the site at once, and nothing already there is lost.</summary>
[Collection(RealtimeSystemCollection.Name)]
public sealed class Seed003ScenarioTests(RealtimeSystem system)
{
    [Fact]
    public async Task A_backoffice_save_appears_on_a_subscribed_screen_with_only_the_changed_fields_and_existing_fields_intact()
    {
        var backoffice = new Backoffice(system.Gateway);
        var id = Guid.NewGuid().ToString("N");
        await backoffice.PutAsync($"/api/records/settings/{id}", new { companyName = "TRU Group", email = "contact@tru.example", phone = "+33 1 00 00 00 00", address = new { city = "Paris" } });
        await Writers.WaitForOffsetAsync(system, $"records/settings/{id}", 1); // the creation has been pushed; the screen opens after it
        await using var screen = await system.ConnectAsync("site-visitor", "viewer");
        await screen.SubscribeAsync($"records/settings/{id}");

        // syncSettings({ companyName: 'Nouveau nom' }): a partial save from the settings form
        var saved = await backoffice.PatchAsync($"/api/records/settings/{id}", new { companyName = "Nouveau nom" });
        var message = await screen.NextMessageAsync(TimeSpan.FromSeconds(20));

        var fields = message["payload"]!["fields"]!.AsObject();
        Assert.Equal("Nouveau nom", (string?)fields["companyName"]);
        Assert.DoesNotContain(fields, pair => pair.Key is "email" or "phone" or "address" or "createdAt");
        Assert.Equal(saved.Version, (long)message["payload"]!["version"]!);
        var stored = (await backoffice.GetAsync($"/api/records/settings/{id}")).Data;
        Assert.Equal("contact@tru.example", (string?)stored["email"]);
        Assert.Equal("+33 1 00 00 00 00", (string?)stored["phone"]);
        Assert.Equal("Paris", (string?)stored["address"]!["city"]);
    }
}
