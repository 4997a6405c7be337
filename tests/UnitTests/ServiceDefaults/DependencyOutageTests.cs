using System.Net.Sockets;
using Npgsql;
using RealtimeSync.ServiceDefaults.Outages;

namespace RealtimeSync.UnitTests.ServiceDefaults;

/// <summary>Which failures are a dependency's outage (a 503 with Retry-After) and which are not (a 500).</summary>
public sealed class DependencyOutageTests
{
    public static TheoryData<string, Exception, bool> Failures => new()
    {
        { "a timeout", new TimeoutException(), true },
        { "a refused connection", new SocketException((int)SocketError.ConnectionRefused), true },
        { "Npgsql's broken connection", new NpgsqlException("Exception while reading from stream", new IOException("closed")), true },
        { "a timeout wrapped by a client library", new InvalidOperationException("failed", new TimeoutException()), true },
        { "a PostgreSQL unique violation", new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation), false },
        { "a bug", new NullReferenceException(), false },
        { "a bad argument", new ArgumentException("bad"), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void Tells_an_outage_from_a_failure(string what, Exception exception, bool outage)
    {
        Assert.True(DependencyOutage.Is(exception, new OutageOptions()) == outage, what);
    }

    [Fact]
    public void A_service_adds_the_exceptions_of_its_own_dependencies()
    {
        var options = new OutageOptions();
        options.Recognisers.Add(exception => exception is KeyNotFoundException);

        Assert.True(DependencyOutage.Is(new KeyNotFoundException(), options));
        Assert.False(DependencyOutage.Is(new KeyNotFoundException(), new OutageOptions()));
    }
}
