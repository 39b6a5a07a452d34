using EventApi.Api.Features.SideEffects;
using EventApi.Api.Infrastructure;
using EventApi.Integration.Infrastructure;
using Marten;
using Marten.Services;
using Npgsql;

namespace EventApi.Integration.Storage;

/// <summary>
/// A statement that fails while PostgreSQL binds its parameters must not leave a pooled connection that fails the next
/// request: see <see cref="HalfPreparedStatements"/> for the driver's bug and the workaround.
/// </summary>
public sealed class PooledConnectionTests(ApiFactory api) : ApiTest(api)
{
    private const int PoolSize = 3;

    /// <summary>Npgsql prepares a statement on the use after these on a connection (AutoPrepareMinUsages, 5 by default).</summary>
    private const int UsesBeforePreparing = 4;

    private const string Nul = "no\0such-url";

    [Fact]
    public async Task npgsql_still_breaks_a_connection_whose_statement_failed_to_bind_while_it_was_being_prepared()
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString(maxPoolSize: 1));
        async Task<object?> CountAsync(string name)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var command = new NpgsqlCommand("select count(*) from pg_class where relname = $1", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = name });
            return await command.ExecuteScalarAsync();
        }

        for (var i = 0; i < UsesBeforePreparing; i++) await CountAsync("pg_type");
        (await Should.ThrowAsync<PostgresException>(() => CountAsync(Nul))).SqlState.ShouldBe("22021");

        // A plain Exception, not an NpgsqlException: Marten's read retries do not take it.
        var broken = await Should.ThrowAsync<Exception>(() => CountAsync("pg_type"),
            "Npgsql no longer breaks the connection: HalfPreparedStatements may not be needed any more.");
        broken.Message.ShouldContain("unexpected backend message DataRow");
    }

    [Fact]
    public async Task after_statements_fail_to_bind_while_being_prepared_every_pooled_connection_still_answers()
    {
        await using var store = DocumentStore.For(options =>
        {
            options.UseEventStoreSettings(ConnectionString(PoolSize));
            options.ConfigureSideEffects();
        });
        await store.Storage.Database.EnsureStorageExistsAsync(typeof(SideEffect));

        // Every connection of the pool: four good uses of one query, then one whose NUL fails at Bind as Npgsql prepares it.
        await OnEveryConnectionAsync(store, async session =>
        {
            for (var i = 0; i < UsesBeforePreparing; i++) await CountByUrlAsync(session, "https://example.org/");
            await Should.ThrowAsync<Exception>(() => CountByUrlAsync(session, Nul));
        });

        // Back in the pool, each of them must run that query again.
        await OnEveryConnectionAsync(store, async session => (await CountByUrlAsync(session, "https://example.org/")).ShouldBe(0));
    }

    /// <summary>The API's database, with automatic preparation as the API sets it, and a pool of this size.</summary>
    private string ConnectionString(int maxPoolSize) =>
        new NpgsqlConnectionStringBuilder(MartenSetup.WithAutoPrepare(Api.ConnectionString))
        {
            MaxPoolSize = maxPoolSize,
            AutoPrepareMinUsages = UsesBeforePreparing + 1,
        }.ConnectionString;

    /// <summary>Holds every connection the pool can give at once and runs <paramref name="work"/> on each, in a session
    /// of its own, then gives them all back.</summary>
    private static async Task OnEveryConnectionAsync(IDocumentStore store, Func<IQuerySession, Task> work)
    {
        var connections = new List<NpgsqlConnection>();
        try
        {
            for (var i = 0; i < PoolSize; i++)
            {
                var connection = store.Storage.Database.CreateConnection();
                await connection.OpenAsync();
                connections.Add(connection);
            }

            foreach (var connection in connections)
            {
                await using var session = store.QuerySession(SessionOptions.ForConnection(connection));
                await work(session);
            }
        }
        finally
        {
            foreach (var connection in connections) await connection.DisposeAsync();
        }
    }

    private static Task<int> CountByUrlAsync(IQuerySession session, string url) =>
        session.Query<SideEffect>().Where(s => s.Url == url).CountAsync();
}
