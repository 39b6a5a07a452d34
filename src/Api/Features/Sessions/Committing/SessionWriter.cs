using System.Diagnostics.Metrics;
using System.Threading.Channels;
using EventApi.Api.Infrastructure;
using EventApi.Api.Infrastructure.Idempotency;
using EventApi.Api.Infrastructure.RateLimiting;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using JasperFx.Events;
using Marten;
using JasperFx;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EventApi.Api.Features.Sessions.Committing;

/// <summary>
/// Commits the commands on sessions that arrive together as one group: one Marten session reads every one of them in
/// one batch (each session for writing, its access record, its idempotency record), decides each with the decider, and
/// appends what each decided in one transaction, each stream against its own expected version. Commands refused on the
/// way (no such session, a wrong token, a stale If-Match, a rejected move, a replayed key) are answered at once and
/// append nothing. A request's answer comes once its own events are committed. When the group's commit fails because
/// one of its streams changed meanwhile (a lost race), nothing of it is stored, and each command is tried again alone,
/// so a conflict in one never fails the others; alone, a lost race is a 409, as it always was.
/// </summary>
/// <remarks>
/// <see cref="SessionWriterOptions.Writers"/> groups are committed at once; a command that arrives while they are all
/// busy waits for the next group, which takes every command waiting (up to <see cref="SessionWriterOptions.MaxGroup"/>).
/// A lone command is committed at once, as it was before groups. Two commands on one session never share a group: the
/// later one waits for the next.
/// </remarks>
public sealed class SessionWriter : IAsyncDisposable
{
    public const string MeterName = "EventApi.Sessions";

    private readonly IDocumentStore _store;
    private readonly TimeProvider _clock;
    private readonly FailedTokenAttempts _failedTokens;
    private readonly int _maxGroup;
    private readonly Channel<PendingCommand> _waiting = Channel.CreateUnbounded<PendingCommand>();
    private readonly Task[] _writers;
    private readonly Histogram<int> _groupSize;

    public SessionWriter(IDocumentStore store, TimeProvider clock, FailedTokenAttempts failedTokens, IMeterFactory meters,
        IOptions<SessionWriterOptions> options)
    {
        _store = store;
        _clock = clock;
        _failedTokens = failedTokens;
        _maxGroup = options.Value.MaxGroup;
        var meter = meters.Create(MeterName);
        _groupSize = meter.CreateHistogram<int>("eventapi.sessions.commit_group", "{command}",
            "Commands a group read and decided in one round trip and committed in one transaction.");
        meter.CreateObservableGauge("eventapi.sessions.waiting", () => Waiting, "{command}", "Commands waiting for a group.");
        _writers = [.. Enumerable.Range(0, options.Value.Writers).Select(_ => Task.Run(WriteGroupsAsync))];
    }

    /// <summary>Commands waiting for a group now.</summary>
    public int Waiting => _waiting.Reader.Count;

    /// <summary>Queues <paramref name="command"/> for the next group and waits for its answer (the request's
    /// cancellation stops the wait, not the group).</summary>
    public Task<CommandAnswer> ExecuteAsync(PendingCommand command, CancellationToken ct)
    {
        if (!_waiting.Writer.TryWrite(command)) throw new ObjectDisposedException(nameof(SessionWriter));
        return command.Answer.Task.WaitAsync(ct);
    }

    private async Task WriteGroupsAsync()
    {
        var group = new List<PendingCommand>(_maxGroup);
        var later = new List<PendingCommand>();
        var sessions = new HashSet<Guid>();
        while (await _waiting.Reader.WaitToReadAsync())
        {
            while (group.Count < _maxGroup && _waiting.Reader.TryRead(out var command))
            {
                // A second command on a session waits for another group: a group appends to each stream once.
                if (sessions.Add(command.Id)) group.Add(command);
                else later.Add(command);
            }

            foreach (var command in later) _waiting.Writer.TryWrite(command);
            // In the order of their ids, so that two groups lock the rows of the streams they share in the same order.
            group.Sort(static (a, b) => a.Id.CompareTo(b.Id));
            if (group.Count > 0) await CommitAsync(group);
            group.Clear();
            later.Clear();
            sessions.Clear();
        }
    }

    private async Task CommitAsync(IReadOnlyList<PendingCommand> group)
    {
        try
        {
            // The group lost a race on one of its streams, and nothing of it was stored: each of those again, alone.
            foreach (var command in await DecideAndCommitAsync(group)) await DecideAndCommitAsync([command]);
        }
        catch (Exception e)
        {
            foreach (var command in group) command.Answer.TrySetException(e);
        }
    }

    /// <summary>One group: its answers are given, except those of the commands whose appends must be tried again alone
    /// (the group's commit lost a race), which it returns.</summary>
    private async Task<IReadOnlyList<PendingCommand>> DecideAndCommitAsync(IReadOnlyList<PendingCommand> group)
    {
        _groupSize.Record(group.Count);
        await using var session = _store.LightweightSession();
        var reads = await ReadAsync(session, group);
        var now = _clock.GetUtcNow();

        var appending = new List<(PendingCommand Command, CommandAnswer Answer)>(group.Count);
        foreach (var (command, stream, access, record) in reads)
        {
            var (answer, appended) = Decide(session, command, stream, access, record, now);
            if (appended) appending.Add((command, answer));
            else command.Answer.TrySetResult(answer);
        }

        if (appending.Count == 0) return [];
        if (appending.Count == 1)
        {
            // Alone, a lost race is answered as it always was: the winner's response when it carried the same key, 409 otherwise.
            var (command, answer) = appending[0];
            var lost = await IdempotencyKey.CommitAsync(session, command.Key, now,
                () => SessionCommandPipeline.ConcurrencyConflict(command.Id), CancellationToken.None);
            command.Answer.TrySetResult(lost is null ? answer : new CommandAnswer(lost));
            return [];
        }

        try
        {
            await session.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is ConcurrencyException or DocumentAlreadyExistsException || IsDeadlock(e))
        {
            return [.. appending.Select(a => a.Command)];
        }

        foreach (var (command, answer) in appending) command.Answer.TrySetResult(answer);
        return [];
    }

    /// <summary>The one round trip that reads, for each command, the session for writing, its access record and any
    /// idempotency record.</summary>
    private static async Task<List<(PendingCommand, IEventStream<SessionView>, SessionAccess?, IdempotencyRecord?)>> ReadAsync(
        IDocumentSession session, IReadOnlyList<PendingCommand> group)
    {
        var batch = session.CreateBatchQuery();
        var reading = group.Select(c => (c,
            Stream: batch.Events.FetchForWriting<SessionView>(c.Id),
            Access: batch.Load<SessionAccess>(c.Id),
            Record: c.Key is null ? null : batch.Load<IdempotencyRecord>(c.Key.RecordId))).ToList();
        await batch.Execute(CancellationToken.None);

        var reads = new List<(PendingCommand, IEventStream<SessionView>, SessionAccess?, IdempotencyRecord?)>(group.Count);
        foreach (var (command, stream, access, record) in reading)
            reads.Add((command, await stream, await access, record is null ? null : await record));
        return reads;
    }

    /// <summary>One command of a group: its answer, and whether it appended (its events and its key's record are then
    /// staged in <paramref name="session"/>, and the answer stands once they are committed).</summary>
    private (CommandAnswer Answer, bool Appended) Decide(IDocumentSession session, PendingCommand command,
        IEventStream<SessionView> stream, SessionAccess? access, IdempotencyRecord? record, DateTimeOffset now)
    {
        var view = stream.Aggregate;
        if (view is null || view.State.Status == SessionStatus.NotStarted) return (new(Problems.SessionNotFound(command.Id)), false);
        if (access is null || !access.Admits(command.Token))
        {
            _failedTokens.Failed(command.Id);
            return (new(BearerTokens.Forbidden()), false);
        }

        if (command.Key?.Replay(record, now) is { } replay) return (new(replay), false);
        if (!ETags.TryMatchIfMatch(command.IfMatch, view.Version, out var matches))
            return (new(Problems.InvalidHeader("If-Match", "If-Match must be \"*\" or a list of strong ETags such as \"7\".")), false);
        if (!matches) return (new(SessionCommandPipeline.VersionMismatch(view.Version), ETags.For(view.Version)), false);

        var decision = SessionDecider.Decide(command.Decide(now), view.State);
        if (decision.Rejection is { } rejection) return (new(SessionCommandPipeline.Rejected(rejection)), false);

        var events = decision.Events;
        stream.AppendMany(events);
        stream.Events.StampedAt(now);
        var version = view.Version + events.Count;
        var response = SessionResponse.From(version, SessionDecider.Fold(view.State, events));
        var etag = ETags.For(version);
        command.Key?.Record(session, StatusCodes.Status200OK, response, null, etag, now);
        return (new(TypedResults.Ok(response), etag), true);
    }

    /// <summary>PostgreSQL ended the group's transaction to break a deadlock with another transaction on the same rows.</summary>
    private static bool IsDeadlock(Exception e) =>
        (e as PostgresException ?? e.InnerException as PostgresException)?.SqlState == PostgresErrorCodes.DeadlockDetected;

    public async ValueTask DisposeAsync()
    {
        _waiting.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }
}
