using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EventApi.Domain.Game;

namespace EventApi.Bench.Modes.Http;

/// <summary>How the bench plays: the same engine as the server's, on the session's open seed.</summary>
internal static class CornerPlay
{
    private static readonly Direction[] MovePreference = [Direction.Down, Direction.Left, Direction.Right, Direction.Up];

    // Indexed by Direction: {"moves":["up"]}, ...
    private static readonly byte[][] MoveBodies = Enum.GetValues<Direction>()
        .Select(d => JsonSerializer.SerializeToUtf8Bytes(new { moves = new[] { d.ToString().ToLowerInvariant() } }))
        .ToArray();

    /// <summary>The request body of one move.</summary>
    public static byte[] Body(Direction direction) => MoveBodies[(int)direction];

    /// <summary>
    /// The first move of down, left, right, up that moves a tile (kept to a corner, games last a few hundred
    /// moves), and the game after it as the server will play it: the client runs the same engine on the open seed.
    /// </summary>
    public static (Direction Direction, GameState Next) Choose(GameState game)
    {
        foreach (var direction in MovePreference)
        {
            var next = game;
            if (Engine.TryMove(ref next, direction, [], out _)) return (direction, next);
        }

        throw new InvalidOperationException($"No move is left on {game.Board}, yet the game was not over.");
    }

    public static GameState StartGame(uint seed) => Engine.Start(seed, out _, out _);
}

internal sealed class PlayedSession(Guid id, string token, GameState game)
{
    public Guid Id { get; } = id;
    public Uri MovesUri { get; } = new($"/sessions/{id}/moves", UriKind.Relative);
    public AuthenticationHeaderValue Authorization { get; } = new("Bearer", token);

    /// <summary>The game as the client's engine has played it: what the server holds after every answered move.</summary>
    public GameState Game { get; set; } = game;
}

/// <summary>The fields of a session's JSON the bench reads (the API's SessionResponse and StartedSessionResponse).</summary>
internal sealed record SessionJson(Guid Id, string? Token, string Status, long? Seed, int[][] Board, int MoveCount);

/// <summary>
/// Open sessions started over HTTP, each in the pool or in one request's hands, never two: moves do not contend
/// on a stream. A session whose game is over leaves the pool; <see cref="TopUpAsync"/> replaces it.
/// </summary>
internal sealed class SessionPool(HttpClient client)
{
    private readonly ConcurrentQueue<PlayedSession> _idle = new();
    private readonly ConcurrentBag<PlayedSession> _all = [];
    private int _finished;

    public int Started => _all.Count;
    public int Finished => _finished;

    public PlayedSession Take() =>
        _idle.TryDequeue(out var session)
            ? session
            : throw new InvalidOperationException("The session pool ran dry: more games ended than --sessions allows for.");

    public void Return(PlayedSession session)
    {
        if (session.Game.Over) Interlocked.Increment(ref _finished);
        else _idle.Enqueue(session);
    }

    public async Task TopUpAsync(int count)
    {
        var missing = count - _idle.Count;
        await Parallel.ForAsync(0, missing, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            var seed = (uint)Random.Shared.NextInt64(uint.MaxValue + 1L);
            using var response = await client.PostAsJsonAsync("/sessions", new { player = "bench", seed }, ct);
            if (!response.IsSuccessStatusCode) throw await Workers.FailureAsync(response, "POST /sessions");
            var started = (await response.Content.ReadFromJsonAsync<SessionJson>(JsonSerializerOptions.Web, ct))!;
            var game = CornerPlay.StartGame(seed);
            if (started.Seed != seed || Board.FromRows(started.Board) != game.Board)
            {
                throw new InvalidOperationException($"Session {started.Id} did not start as the engine starts seed {seed}.");
            }

            var session = new PlayedSession(started.Id, started.Token!, game);
            _all.Add(session);
            _idle.Enqueue(session);
        });
    }

    /// <summary>Every session the bench played, as the server holds it, against the client's engine.</summary>
    public Task VerifyAsync() =>
        Parallel.ForEachAsync(_all, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (session, ct) =>
        {
            var view = (await client.GetFromJsonAsync<SessionJson>($"/sessions/{session.Id}", JsonSerializerOptions.Web, ct))!;
            var status = session.Game.Over ? "over" : "active";
            if (Board.FromRows(view.Board) != session.Game.Board || view.MoveCount != session.Game.MoveCount || view.Status != status)
            {
                throw new InvalidOperationException(
                    $"Session {session.Id} is {view.Status} at {view.MoveCount} moves on the server, {status} at " +
                    $"{session.Game.MoveCount} in the client's engine.");
            }
        });
}
