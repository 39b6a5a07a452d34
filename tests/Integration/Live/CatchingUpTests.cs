using EventApi.Api.Features.Sessions;
using EventApi.Api.Infrastructure;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;
using EventApi.Integration.Infrastructure;
using EventApi.Projections.Sessions;
using Marten;
using Npgsql;

namespace EventApi.Integration.Live;

/// <summary>The node's listening connection drops: once back, every watched session catches up from the store, so a
/// notification lost meanwhile loses no frame.</summary>
[Collection(LiveCollection.Name)]
public sealed class CatchingUpTests(LiveApiFactory api) : ApiTest(api)
{
    [Fact]
    public async Task when_the_listener_reconnects_spectators_get_the_events_whose_notifications_it_missed()
    {
        var started = await Client.StartAsync("alice", 12345);
        await using var stream = await LiveStream.OpenAsync(Client, started.Id, contract: Api.Contract);
        (await stream.NextAsync())!.Id.ShouldBe(1);

        // Moves appended by a writer that sends no notification: as if they had been sent while the listener was away.
        var game = Engine.Start(12345, out _, out _);
        var moves = Moves.PlayRandom(ref game, new Random(4), maxMoves: 3);
        await using (var quiet = DocumentStore.For(options => options.UseEventStoreSettings(Api.ConnectionString).ConfigureSessions()))
        await using (var session = quiet.LightweightSession())
        {
            var written = await session.Events.FetchForWriting<SessionView>(started.Id);
            var decision = SessionDecider.Decide(new MakeMoves(moves, DateTimeOffset.UtcNow), written.Aggregate!.State);
            written.AppendMany(decision.Events);
            await session.SaveChangesAsync();
        }

        var version = (await Client.GetSessionAsync(started.Id)).Version;
        var listener = await ListenerBackendAsync();
        await using (var connection = new NpgsqlConnection(Api.ConnectionString))
        {
            await connection.OpenAsync();
            await using var terminate = new NpgsqlCommand("select pg_terminate_backend(@pid)", connection);
            terminate.Parameters.AddWithValue("pid", listener);
            await terminate.ExecuteScalarAsync();
        }

        var frames = await stream.NextAsync((int)version - 1, TimeSpan.FromSeconds(30));
        frames.Select(f => f.Id).ShouldBe(LiveStream.Versions(2, version));
        (await ListenerBackendAsync()).ShouldNotBe(listener, "the node listens on a new connection");
    }

    /// <summary>The process id of the node's listening connection.</summary>
    private async Task<int> ListenerBackendAsync()
    {
        await using var connection = new NpgsqlConnection(Api.ConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "select pid from pg_stat_activity where application_name = 'eventapi-live-listener' and datname = current_database()", connection);
        return (int)(await query.ExecuteScalarAsync())!;
    }
}
