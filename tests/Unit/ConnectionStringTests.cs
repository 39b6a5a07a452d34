using EventApi.Api.Infrastructure;
using Npgsql;

namespace EventApi.Unit;

public sealed class ConnectionStringTests
{
    [Fact]
    public void statements_are_prepared_automatically_when_the_connection_string_is_silent()
    {
        var tuned = new NpgsqlConnectionStringBuilder(MartenSetup.WithAutoPrepare("Host=db;Username=app;Database=game"));

        Assert.Equal(MartenSetup.DefaultMaxAutoPrepare, tuned.MaxAutoPrepare);
        Assert.Equal("db", tuned.Host);
        Assert.Equal("game", tuned.Database);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0")]
    [InlineData("Host=db;MaxAutoPrepare=0")]
    [InlineData("Host=db;max auto prepare=0")]
    public void a_connection_string_that_sets_auto_preparation_keeps_its_own_value(string connectionString)
    {
        Assert.Equal(connectionString, MartenSetup.WithAutoPrepare(connectionString));
    }
}
