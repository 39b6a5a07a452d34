using System.Net.Http.Json;
using EventApi.Api.Features.Sessions;
using EventApi.Api.Features.Sessions.Archiving;
using EventApi.Api.Infrastructure;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;
using EventApi.Integration.Infrastructure;
using EventApi.Projections.Sessions;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EventApi.Integration.Storage;

/// <summary>
/// The API on a store written before the event tables were partitioned by <c>is_archived</c>: its first start converts
/// them (Marten), keeping every event and the sequence that numbers them (<see cref="PartitioningUpgrade"/>).
/// </summary>
public sealed class UnpartitionedStoreFactory : ApiFactory
{
    public const uint Seed = 2027;
    public static readonly Guid OldSession = Guid.CreateVersion7();
    public string OldToken { get; private set; } = "";

    protected override IDictionary<string, string?> Settings(IDictionary<string, string?> defaults)
    {
        defaults["EventApi:Archiving:Enabled"] = "true";
        return defaults;
    }
    public long OldLastSequence { get; private set; }

    /// <summary>A database as the earlier version left it: its schema without partitions and a game under way, with its
    /// inline view and access record.</summary>
    protected override async Task<string> CreateDatabaseAsync()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("eventapi_unpartitioned");
        using var earlier = DocumentStore.For(options =>
        {
            options.UseEventStoreSettings(connectionString);
            options.Events.UseArchivedStreamPartitioning = false;
            options.ConfigureSessions();
        });
        await earlier.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        var at = DateTimeOffset.UtcNow;
        var state = SessionState.Initial;
        List<object> events = [];
        foreach (SessionCommand command in new SessionCommand[]
                 {
                     new StartSession(OldSession, "olga", Seed, null, null, at),
                     new MakeMoves([Direction.Left, Direction.Up, Direction.Right, Direction.Down, Direction.Left], at),
                 })
        {
            var decided = SessionDecider.Decide(command, state).Events;
            events.AddRange(decided);
            state = decided.Aggregate(state, SessionDecider.Evolve);
        }

        await using var session = earlier.LightweightSession();
        session.Events.StartStream<SessionView>(OldSession, events);
        (OldToken, var access) = SessionAccess.Issue(OldSession);
        session.Store(access);
        await session.SaveChangesAsync();

        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var last = new NpgsqlCommand("select max(seq_id) from mt_events", connection);
        OldLastSequence = (long)(await last.ExecuteScalarAsync())!;
        return connectionString;
    }
}

public sealed class PartitioningUpgradeTests(UnpartitionedStoreFactory api) : IClassFixture<UnpartitionedStoreFactory>
{
    private readonly HttpClient _client = api.CreateContractClient();

    [Fact]
    public async Task a_store_written_before_partitioning_keeps_its_sessions_and_numbers_new_events_after_its_last()
    {
        await using (var connection = new NpgsqlConnection(api.ConnectionString))
        {
            await connection.OpenAsync();
            await using var partitioned = new NpgsqlCommand(
                "select count(*) from pg_partitioned_table p join pg_class c on c.oid = p.partrelid where c.relname in ('mt_events', 'mt_streams')", connection);
            ((long)(await partitioned.ExecuteScalarAsync())!).ShouldBe(2);
        }

        var old = await _client.GetSessionAsync(UnpartitionedStoreFactory.OldSession);
        old.Player.ShouldBe("olga");
        var oldEvents = await _client.GetEventsAsync(UnpartitionedStoreFactory.OldSession);
        oldEvents.Length.ShouldBe((int)old.Version);

        // The old game goes on and ends; a new one starts: their events come after every event already stored.
        var moved = await PlayOnAsync(old);
        var ended = await _client.AbandonOkAsync(UnpartitionedStoreFactory.OldSession, api.OldToken);
        ended.Version.ShouldBe(moved.Version + 1);
        var started = await _client.StartAsync("pia", 5);
        var sequences = (await _client.GetEventsAsync(UnpartitionedStoreFactory.OldSession)).Concat(await _client.GetEventsAsync(started.Id))
            .Select(e => e.GetProperty("sequence").GetInt64()).ToArray();
        sequences.Skip(oldEvents.Length).ShouldAllBe(s => s > api.OldLastSequence);
        sequences.ShouldBeUnique();

        // And the old game, finished, goes to the archive and still reads.
        var archiver = api.Services.GetRequiredService<SessionArchiver>();
        (await archiver.ArchiveAsync(DateTimeOffset.UtcNow, CancellationToken.None)).ShouldBe(1);
        (await _client.GetEventsAsync(UnpartitionedStoreFactory.OldSession)).Length.ShouldBe((int)ended.Version);
        using var replay = await _client.GetAsync($"/sessions/{UnpartitionedStoreFactory.OldSession}/replay?version={old.Version}");
        (await replay.Content.ReadFromJsonAsync<SessionResponse>(SessionsClient.Json))!.Board.ShouldBe(old.Board);
    }

    [Fact]
    public async Task a_store_partitioned_for_archiving_refuses_to_start_with_archiving_off()
    {
        using var unpartitioned = DocumentStore.For(options => options.UseEventStoreSettings(api.ConnectionString));
        var upgrade = new PartitioningUpgrade(unpartitioned, Microsoft.Extensions.Logging.Abstractions.NullLogger<PartitioningUpgrade>.Instance);

        var refused = await Should.ThrowAsync<InvalidOperationException>(() => upgrade.StartAsync(CancellationToken.None));

        refused.Message.ShouldContain("EventApi:Archiving:Enabled=true");
    }

    /// <summary>One more move of the old game, one that moves something.</summary>
    private async Task<SessionResponse> PlayOnAsync(SessionResponse view)
    {
        foreach (var direction in Moves.Names)
        {
            using var move = await _client.MoveAsync(view.Id, api.OldToken, [direction]);
            if (move.IsSuccessStatusCode) return (await move.Content.ReadFromJsonAsync<SessionResponse>(SessionsClient.Json))!;
        }

        throw new InvalidOperationException("No move moves anything in the old game.");
    }
}
