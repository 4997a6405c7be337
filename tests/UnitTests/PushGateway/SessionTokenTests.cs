using System.Security.Claims;
using RealtimeSync.PushGateway.Access;
using RealtimeSync.PushGateway.Delivery;

namespace RealtimeSync.UnitTests.PushGateway;

public sealed class SessionTokenTests
{
    private static ClaimsPrincipal User(string sub, DateTimeOffset expires) =>
        new(new ClaimsIdentity([new Claim("sub", sub), new Claim("exp", expires.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture))], "test"));

    [Fact]
    public void Only_a_later_token_of_the_same_user_moves_the_end()
    {
        var now = DateTimeOffset.UtcNow;
        var session = SessionToken.Of(User("ada", now.AddMinutes(1)), TimeProvider.System);

        Assert.Contains("another user", session.Renew(User("grace", now.AddHours(1))));
        Assert.Contains("not expire later", session.Renew(User("ada", now.AddSeconds(30))));
        Assert.Null(session.Renew(User("ada", now.AddHours(1))));
        Assert.Equal(now.AddHours(1).ToUnixTimeSeconds(), session.ExpiresAt!.Value.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task A_connection_whose_token_has_expired_is_ended_as_token_expired()
    {
        var session = SessionToken.Of(User("ada", DateTimeOffset.UtcNow.AddSeconds(-1)), TimeProvider.System);
        var connection = new ClientConnection("c1", new Subscriber("ada", new HashSet<string>()), 10, new PlainFormat());

        await session.EnforceAsync(connection, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(EndReason.TokenExpired, connection.Ended);
    }

    [Fact]
    public void A_token_without_exp_never_ends_the_connection_on_its_own() =>
        Assert.Null(SessionToken.Of(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "ada")], "test")), TimeProvider.System).ExpiresAt);
}
