using EventApi.Api.Infrastructure;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using Marten;
using Marten.Schema;
using Microsoft.Extensions.Options;

namespace EventApi.Api.Features.Sessions.Archiving;

/// <summary>
/// Every <c>EventApi:Archiving:Interval</c>, on every node: archives the finished sessions (game over or abandoned) whose
/// last event is older than <c>EventApi:Archiving:After</c>, with Marten's own <c>ArchiveStream</c>. The event store is
/// partitioned by <c>is_archived</c> (<see cref="MartenSetup.UseEventStoreSettings"/>), so archiving moves a session's
/// stream and events to the archive partitions, and the tables every append, read and daemon poll touches hold the live
/// sessions and the recently finished ones only. Nothing is deleted: the session's view stays, and every read of its events
/// goes through <see cref="SessionStreams"/>, which includes archived ones; the projections include them too, so a rebuild
/// counts archived games.
/// </summary>
public sealed class SessionArchiver(
    IDocumentStore store,
    TimeProvider clock,
    IOptions<ArchivingOptions> options,
    ILogger<SessionArchiver> logger) : BackgroundService
{
    /// <summary>Batches one look archives at most before it waits for the next.</summary>
    public const int BatchesPerLook = 10;

    private readonly Lazy<string> _candidates = new(() => CandidatesSql(store));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Interval;
        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ArchiveAsync(clock.GetUtcNow() - options.Value.After, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogFailure(e, "Archiving finished sessions", interval);
            }
        }
    }

    /// <summary>Archives the sessions that finished before <paramref name="finishedBefore"/> (by their last event), in
    /// batches of <c>BatchSize</c>, each its own transaction. Returns how many it archived.</summary>
    public async Task<int> ArchiveAsync(DateTimeOffset finishedBefore, CancellationToken ct)
    {
        var batchSize = options.Value.BatchSize;
        var archived = 0;
        for (var batch = 0; batch < BatchesPerLook; batch++)
        {
            var count = await ArchiveBatchAsync(finishedBefore, batchSize, ct);
            archived += count;
            if (count < batchSize) break;
        }

        if (archived > 0)
            logger.LogInformation("Archived {Count} sessions finished before {FinishedBefore:O}", archived, finishedBefore);
        return archived;
    }

    /// <summary>One transaction: picks up to <paramref name="limit"/> finished sessions, skipping those another node has
    /// locked, and archives them (Marten's <c>mt_archive_stream</c>, one statement each, in one round trip).</summary>
    private async Task<int> ArchiveBatchAsync(DateTimeOffset finishedBefore, int limit, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        await session.BeginTransactionAsync(ct);
        var ids = await session.AdvancedSql.QueryAsync<Guid>(_candidates.Value, ct, finishedBefore, limit);
        if (ids.Count == 0) return 0;
        foreach (var id in ids) session.Events.ArchiveStream(id);
        await session.SaveChangesAsync(ct);
        return ids.Count;
    }

    /// <summary>
    /// The finished sessions not archived yet whose stream last changed before a moment (<c>mt_streams.timestamp</c>, the
    /// time of the stream's last append): from the live partition of <c>mt_streams</c> only, joined to the session's inline
    /// view for its status, locked so that a node archiving at the same time takes other sessions.
    /// </summary>
    private static string CandidatesSql(IDocumentStore store)
    {
        var schema = store.Options.Events.DatabaseSchemaName;
        var views = ((DocumentMapping)store.Options.AllKnownDocumentTypes().Single(t => t.DocumentType == typeof(SessionView)))
            .TableName.QualifiedName;
        string[] finished = [nameof(SessionStatus.Over), nameof(SessionStatus.Abandoned)];
        return $"select s.id from {schema}.mt_streams s join {views} v on v.id = s.id " +
               $"where s.is_archived = false and s.timestamp < ? and v.data -> 'state' ->> 'status' in ('{finished[0]}', '{finished[1]}') " +
               "limit ? for update of s skip locked";
    }
}
