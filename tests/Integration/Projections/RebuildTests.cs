using System.Text.Json;
using EventApi.Domain.Game;
using EventApi.Integration.Infrastructure;
using EventApi.Projections.Leaderboards;
using EventApi.Projections.Statistics;
using EventApi.Projections.Timelines;
using Marten;
using Marten.Events;
using Marten.Events.Daemon.Coordination;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EventApi.Integration.Projections;

/// <summary>Every projection is a pure function of the events: rebuilt from zero, it writes the very documents it
/// built incrementally.</summary>
public sealed class RebuildTests(ApiFactory api) : ApiTest(api)
{
    public static TheoryData<string, Type> Projections => new()
    {
        { StatisticsProjection.ProjectionName, typeof(GameStatistics) },
        { PlayerStatisticsProjection.ProjectionName, typeof(PlayerStatistics) },
        { FinishedGameProjection.ProjectionName, typeof(FinishedGame) },
        { SessionTimelineProjection.ProjectionName, typeof(SessionTimeline) },
    };

    [Theory]
    [MemberData(nameof(Projections))]
    public async Task rebuilding_a_projection_from_zero_gives_byte_for_byte_the_documents_built_incrementally(string projection, Type document)
    {
        await Client.PlayedSessionAsync("alice", 1, randomSeed: 1, batch: 9);
        await Client.PlayedSessionAsync("bob", 2, randomSeed: 2, maxMoves: 15, abandon: true);
        await Client.PlayedSessionAsync("alice", 3, randomSeed: 3, maxMoves: 8);
        await Api.Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        var incremental = await Documents(document);
        incremental.ShouldNotBeEmpty();

        var daemon = await Api.ProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync(projection, TimeSpan.FromSeconds(60), CancellationToken.None);

        (await Documents(document)).ShouldBe(incremental);
    }

    /// <summary>The segments a rebuild writes are fewer and longer than those written move by move; the frames they
    /// hold, as the timeline reads them, are the same.</summary>
    [Fact]
    public async Task rebuilding_the_timelines_gives_every_session_the_same_frames_as_built_incrementally()
    {
        var played = await Client.PlayedSessionAsync("alice", 1, randomSeed: 1, batch: 9);
        var abandoned = await Client.PlayedSessionAsync("bob", 2, randomSeed: 2, maxMoves: 15, abandon: true);
        await Api.Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        // Three requests, each taken by a daemon batch of its own: three segments.
        var batched = await Client.PlayedSessionAsync("carol", 3, randomSeed: 3, maxMoves: 15, batch: 5,
            afterEachRequest: () => Api.Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60)));
        batched.Steps.Count.ShouldBe(3);

        var sessions = new[] { played, abandoned, batched }.Select(g => (g.Started.Id, g.Moves.Count)).ToArray();
        var incremental = await Timelines();
        var segments = await Documents(typeof(SessionTimelineSegment));

        var daemon = await Api.ProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync(SessionTimelineProjection.ProjectionName, TimeSpan.FromSeconds(60), CancellationToken.None);

        (await Timelines()).ShouldBe(incremental);
        (await Documents(typeof(SessionTimelineSegment))).Count.ShouldBeLessThan(segments.Count);

        async Task<List<string>> Timelines()
        {
            var timelines = new List<string>();
            foreach (var (id, moves) in sessions)
            {
                using var document = JsonDocument.Parse(await Client.GetStringAsync($"/sessions/{id}/timeline"));
                var data = document.RootElement.GetProperty("data");
                data.GetProperty("frames").GetArrayLength().ShouldBe(moves);
                timelines.Add(data.GetRawText());
            }

            return timelines;
        }
    }

    [Fact]
    public async Task rebuilding_the_timelines_first_deletes_the_heads_and_segments_built_before()
    {
        await Client.PlayedSessionAsync("alice", 1, randomSeed: 1, maxMoves: 5);
        await Api.Store.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        var stray = Guid.NewGuid();
        await using (var session = Api.Store.LightweightSession())
        {
            session.Store(new SessionTimeline { Id = stray, Version = 2 });
            session.Store(SessionTimelineSegment.For(stray, default, 0, [new TimelineMove(2, Direction.Up, new Tile(0, 0, 2))]));
            await session.SaveChangesAsync();
        }

        var daemon = await Api.ProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync(SessionTimelineProjection.ProjectionName, TimeSpan.FromSeconds(60), CancellationToken.None);

        await using var query = Api.Store.QuerySession();
        (await query.LoadAsync<SessionTimeline>(stray)).ShouldBeNull();
        (await query.Query<SessionTimelineSegment>().Where(s => s.SessionId == stray).CountAsync()).ShouldBe(0);
    }

    private async Task<List<string>> Documents(Type document)
    {
        var table = Api.Store.Options.FindOrResolveDocumentType(document).TableName.QualifiedName;
        await using var connection = Api.Store.Storage.Database.CreateConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"select id::text || ' ' || data::text from {table} order by id", connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }
}
