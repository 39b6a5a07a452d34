using System.Text.Json;
using EventApi.Api.Features.Sessions;
using EventApi.Api.Live;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;
using EventApi.Projections.Sessions;
using Marten;
using Npgsql;
using NpgsqlTypes;

namespace EventApi.Floor;

internal sealed record MovesBody(IReadOnlyList<string>? Moves);

/// <summary>
/// A move as this schema lets it be done at the least cost: one <c>SELECT</c> that reads the session's inline view, its
/// stream's version and its access record; the product's own decider; one statement that checks and bumps the stream's
/// version, inserts the events, rewrites the view and sends the live notification, all or nothing. Two round trips, the
/// same rows and JSON the product writes, the same answer. What it leaves out: idempotency keys, <c>If-Match</c>, the
/// failed-token counter and every error's problem details.
/// </summary>
public sealed class FloorMoves
{
    private const string Read =
        "select v.data, s.version, a.data from mt_doc_sessionview v join mt_streams s on s.id = v.id " +
        "join mt_doc_sessionaccess a on a.id = v.id where v.id = $1";

    private const string Write =
        "with s as (update mt_streams set version = $3, timestamp = now() where id = $1 and version = $2 returning id), " +
        "e as (insert into mt_events (seq_id, id, stream_id, version, data, type, timestamp, tenant_id, mt_dotnet_type, is_archived) " +
        "  select nextval('mt_events_sequence'), u.id, s.id, u.version, u.data, u.type, $4, '*DEFAULT*', u.dotnet, false " +
        "  from s, unnest($5::uuid[], $6::bigint[], $7::jsonb[], $8::varchar[], $9::varchar[]) as u(id, version, data, type, dotnet) " +
        "  returning 1), " +
        "v as (update mt_doc_sessionview d set data = $10, mt_version = $3, mt_last_modified = transaction_timestamp() " +
        "  from s where d.id = s.id returning 1), " +
        $"n as (select pg_notify('{SessionChangeNotifier.Channel}', $11) from s) " +
        "select (select count(*) from s) + (select count(*) from e) * 0 + (select count(*) from v) * 0 + (select count(*) from n) * 0";

    private readonly NpgsqlDataSource _source;
    private readonly JsonSerializerOptions _stored;
    private readonly JsonSerializerOptions _answered;
    private readonly Dictionary<Type, (string Name, string DotNet)> _types;

    public FloorMoves(NpgsqlDataSource source, StoreOptions store, JsonSerializerOptions answered)
    {
        _source = source;
        _answered = answered;
        // The JSON Marten stores documents and events with (camelCase, enums by name).
        _stored = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
        };
        _types = new[] { typeof(TilesMoved), typeof(MilestoneReached), typeof(GameOver), typeof(SessionAbandoned) }
            .ToDictionary(t => t, t => (((Marten.Events.EventGraph)store.Events).EventMappingFor(t).EventTypeName, $"{t.FullName}, {t.Assembly.GetName().Name}"));
    }

    public async Task<IResult> HandleAsync(Guid id, HttpContext http, CancellationToken ct)
    {
        var body = await http.Request.ReadFromJsonAsync<MovesBody>(_answered, ct);
        if (body?.Moves is not { Count: > 0 } names) return Results.BadRequest();
        var directions = new Direction[names.Count];
        for (var i = 0; i < names.Count; i++)
            if (!Enum.TryParse(names[i], ignoreCase: true, out directions[i])) return Results.BadRequest();
        var authorization = http.Request.Headers.Authorization.ToString();
        if (!authorization.StartsWith("Bearer ", StringComparison.Ordinal)) return Results.Unauthorized();

        await using var connection = await _source.OpenConnectionAsync(ct);
        SessionView view;
        long version;
        await using (var read = new NpgsqlCommand(Read, connection) { Parameters = { new() { Value = id } } })
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct)) return Results.NotFound();
            view = JsonSerializer.Deserialize<SessionView>(reader.GetString(0), _stored)!;
            version = reader.GetInt64(1);
            var access = JsonSerializer.Deserialize<SessionAccess>(reader.GetString(2), _stored)!;
            if (!access.Admits(authorization["Bearer ".Length..])) return Results.Forbid();
        }

        var now = TimeProvider.System.GetUtcNow();
        var decision = SessionDecider.Decide(new MakeMoves(directions, now), view.State);
        if (decision.Rejection is not null) return Results.UnprocessableEntity();
        var events = decision.Events;
        var state = view.State;
        foreach (var e in events) state = SessionDecider.Evolve(state, e);
        var next = version + events.Count;

        await using (var write = new NpgsqlCommand(Write, connection))
        {
            var p = write.Parameters;
            p.Add(new NpgsqlParameter<Guid> { TypedValue = id });
            p.Add(new NpgsqlParameter<long> { TypedValue = version });
            p.Add(new NpgsqlParameter<long> { TypedValue = next });
            p.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
            p.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. events.Select(_ => Guid.CreateVersion7())] });
            p.Add(new NpgsqlParameter<long[]> { TypedValue = [.. events.Select((_, i) => version + 1 + i)] });
            p.Add(new NpgsqlParameter<string[]>
            {
                TypedValue = [.. events.Select(e => JsonSerializer.Serialize(e, e.GetType(), _stored))], NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
            });
            p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. events.Select(e => _types[e.GetType()].Name)] });
            p.Add(new NpgsqlParameter<string[]> { TypedValue = [.. events.Select(e => _types[e.GetType()].DotNet)] });
            p.Add(new NpgsqlParameter<string>
            {
                TypedValue = JsonSerializer.Serialize(new SessionView { Id = id, Version = next, State = state }, _stored),
                NpgsqlDbType = NpgsqlDbType.Jsonb,
            });
            p.Add(new NpgsqlParameter<string> { TypedValue = id.ToString("N") });
            if ((long)(await write.ExecuteScalarAsync(ct))! == 0) return Results.Conflict();
        }

        http.Response.Headers.ETag = $"\"{next}\"";
        return Results.Json(SessionResponse.From(next, state), _answered);
    }
}
