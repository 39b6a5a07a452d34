using System.Net.Http.Headers;
using Npgsql;
using NpgsqlTypes;

namespace EventApi.Bench.Modes.Http;

/// <summary>The three cases' workers: a move, the raw INSERT baseline and the trivial GET.</summary>
internal static class Workers
{
    public const string TrivialGetPath = "/health/live";

    public static async Task<Exception> FailureAsync(HttpResponseMessage response, string request) =>
        new InvalidOperationException(
            $"{request} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
}

/// <summary>One move a request on a session of the pool's that no other request has in flight.</summary>
internal sealed class MoveWorker(HttpClient client, SessionPool sessions) : IWorker
{
    public async Task SendAsync()
    {
        var session = sessions.Take();
        var (direction, next) = CornerPlay.Choose(session.Game);
        using var request = new HttpRequestMessage(HttpMethod.Post, session.MovesUri);
        request.Headers.Authorization = session.Authorization;
        request.Content = new ByteArrayContent(CornerPlay.Body(direction))
        {
            Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
        };
        using var response = await client.SendAsync(request);
        if (!response.IsSuccessStatusCode) throw await Workers.FailureAsync(response, $"POST {session.MovesUri} ({direction})");
        session.Game = next;
        sessions.Return(session);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

internal sealed class GetWorker(HttpClient client) : IWorker
{
    public async Task SendAsync()
    {
        using var response = await client.GetAsync(Workers.TrivialGetPath);
        if (!response.IsSuccessStatusCode) throw await Workers.FailureAsync(response, $"GET {Workers.TrivialGetPath}");
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>A connection of its own and a stream of its own: one autocommit single-row INSERT a request.</summary>
internal sealed class InsertWorker : IWorker
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlCommand _insert;
    private readonly NpgsqlParameter<long> _version = new() { TypedValue = 0 };

    private InsertWorker(NpgsqlConnection connection, string json)
    {
        _connection = connection;
        _insert = new NpgsqlCommand(
            "INSERT INTO raw_events (stream_id, version, type, data) VALUES ($1, $2, $3, $4)", connection)
        {
            Parameters =
            {
                new NpgsqlParameter { Value = Guid.CreateVersion7() },
                _version,
                new NpgsqlParameter { Value = "tiles_moved" },
                new NpgsqlParameter { Value = json, NpgsqlDbType = NpgsqlDbType.Jsonb },
            },
        };
    }

    public static async Task<InsertWorker> OpenAsync(NpgsqlDataSource source, string json) =>
        new(await source.OpenConnectionAsync(), json);

    public async Task SendAsync()
    {
        _version.TypedValue++;
        await _insert.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _insert.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
