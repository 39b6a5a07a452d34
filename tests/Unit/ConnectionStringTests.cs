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

    [Fact]
    public void postgresql_checks_that_the_client_is_still_there_during_long_queries_unless_options_are_given()
    {
        var checking = new NpgsqlConnectionStringBuilder(MartenSetup.WithClientChecks("Host=db;Username=app"));

        Assert.Equal("-c client_connection_check_interval=1000", checking.Options);
        Assert.Equal("Host=db;Options=-c search_path=x", MartenSetup.WithClientChecks("Host=db;Options=-c search_path=x"));
    }
}
