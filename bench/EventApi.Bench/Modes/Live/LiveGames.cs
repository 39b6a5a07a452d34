using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using EventApi.Bench.Modes.Http;
using EventApi.Domain.Game;

namespace EventApi.Bench.Modes.Live;

/// <summary>One answered move: the versions it appended (a move and, now and then, a milestone) and when it was sent and
/// answered (<see cref="Stopwatch"/> timestamps).</summary>
internal readonly record struct MoveRecord(long FirstVersion, long LastVersion, long Sent, long Answered)
{
    public double LatencyMs => Stopwatch.GetElapsedTime(Sent, Answered).TotalMilliseconds;
}

/// <summary>
/// A session the bench plays: every move planned before the run (<see cref="LongPlay"/>), so a move costs the client
/// no search, and none of them ends the game. Moves on one session are made one at a time (<see cref="Turn"/>).
/// </summary>
internal sealed class LiveGame(Guid id, string token, long version, Direction[] plan)
{
    private readonly List<MoveRecord> _moves = [];
    private int _next;

    public Guid Id { get; } = id;
    public Uri MovesUri { get; } = new($"/sessions/{id}/moves", UriKind.Relative);
    public AuthenticationHeaderValue Authorization { get; } = new("Bearer", token);
    public SemaphoreSlim Turn { get; } = new(1, 1);

    /// <summary>The stream version after the last answered move (a spectator's last frame should carry it).</summary>
    public long Version { get; private set; } = version;

    /// <summary>Every planned move has been made: the session is left alone (its next move could end the game).</summary>
    public bool Exhausted => Volatile.Read(ref _next) >= plan.Length;

    /// <summary>The answered moves, in order (read once the moves have stopped).</summary>
    public IReadOnlyList<MoveRecord> Moves => _moves;

    /// <summary>
    /// Makes the next planned move through <paramref name="client"/> when no other move of this session is in flight;
    /// null when the plan is used up. Throws on any answer but 200.
    /// </summary>
    public async Task<MoveRecord?> MoveAsync(HttpClient client)
    {
        await Turn.WaitAsync();
        try
        {
            if (Exhausted) return null;
            var direction = plan[_next];
            using var request = new HttpRequestMessage(HttpMethod.Post, MovesUri);
            request.Headers.Authorization = Authorization;
            request.Content = new ByteArrayContent(CornerPlay.Body(direction))
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
            };
            var sent = Stopwatch.GetTimestamp();
            using var response = await client.SendAsync(request);
            var answered = Stopwatch.GetTimestamp();
            if (!response.IsSuccessStatusCode) throw await Workers.FailureAsync(response, $"POST {MovesUri} ({direction})");

            // The ETag is the stream version after the move: its own event, and a milestone's when it reached one.
            var version = long.Parse(response.Headers.ETag!.Tag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture);
            if (version - Version is < 1 or > 2)
                throw new InvalidOperationException($"Session {Id} went from version {Version} to {version} in one move.");
            var move = new MoveRecord(Version + 1, version, sent, answered);
            _moves.Add(move);
            Version = version;
            Volatile.Write(ref _next, _next + 1);
            return move;
        }
        finally
        {
            Turn.Release();
        }
    }
}

/// <summary>The bench's sessions: started over HTTP on seeds whose planned play lasts the run, then moved in turns.</summary>
internal sealed class LiveGames
{
    private readonly LiveGame[] _games;
    private int _turn = -1;

    private LiveGames(LiveGame[] games, int seedsTried)
    {
        _games = games;
        SeedsTried = seedsTried;
    }

    public IReadOnlyList<LiveGame> All => _games;

    /// <summary>Seeds tried to find games that last (those whose play ends sooner are left out).</summary>
    public int SeedsTried { get; }

    /// <summary>Sessions whose planned moves all were made (left alone since, so that no game ends).</summary>
    public int Exhausted => _games.Count(g => g.Exhausted);

    /// <summary>The next session in turn that has moves left; null when none has.</summary>
    public LiveGame? Next()
    {
        for (var tried = 0; tried < _games.Length; tried++)
        {
            var game = _games[(int)((uint)Interlocked.Increment(ref _turn) % (uint)_games.Length)];
            if (!game.Exhausted) return game;
        }

        return null;
    }

    /// <summary>Plans <paramref name="count"/> games of <paramref name="moves"/> moves each and starts their sessions.</summary>
    public static async Task<LiveGames> StartAsync(HttpClient client, int count, int moves)
    {
        var (plans, tried) = LongPlay.Find(count, moves);
        var games = new LiveGame[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var (seed, plan) = plans[i];
            using var response = await client.PostAsJsonAsync("/sessions", new { player = "bench", seed }, ct);
            if (!response.IsSuccessStatusCode) throw await Workers.FailureAsync(response, "POST /sessions");
            var started = (await response.Content.ReadFromJsonAsync<StartedJson>(JsonSerializerOptions.Web, ct))!;
            if (started.Seed != seed || Board.FromRows(started.Board) != CornerPlay.StartGame(seed).Board)
                throw new InvalidOperationException($"Session {started.Id} did not start as the engine starts seed {seed}.");
            games[i] = new LiveGame(started.Id, started.Token, started.Version, plan);
        });
        return new LiveGames(games, tried);
    }

    private sealed record StartedJson(Guid Id, string Token, long Seed, int[][] Board, long Version);
}

/// <summary>
/// Games that last: the client knows every spawn (open seeds, the same engine), so it plays a two-move lookahead
/// on the exact boards to come, keeping the most cells free. Such play lasts 260 to 1,300 moves (median 620), against
/// 110 to 670 for the corner strategy; the seeds whose play ends within the moves asked for are skipped.
/// </summary>
internal static class LongPlay
{
    private static readonly Direction[] Directions = [Direction.Down, Direction.Left, Direction.Right, Direction.Up];

    /// <summary><paramref name="count"/> seeds from 1 up whose play lasts more than <paramref name="moves"/> moves, with
    /// their first <paramref name="moves"/> moves; and how many seeds were tried.</summary>
    public static ((uint Seed, Direction[] Plan)[] Games, int Tried) Find(int count, int moves)
    {
        var found = new List<(uint, Direction[])>(count);
        uint seed = 0;
        const int batch = 64;
        while (found.Count < count)
        {
            var first = seed + 1;
            var plans = new Direction[]?[batch];
            Parallel.For(0, batch, i => plans[i] = Plan((uint)(first + i), moves));
            for (var i = 0; i < batch && found.Count < count; i++)
            {
                seed = (uint)(first + i);
                if (plans[i] is { } plan) found.Add((seed, plan));
            }
        }

        return ([.. found], (int)seed);
    }

    /// <summary>The first <paramref name="moves"/> moves of <paramref name="seed"/>, none of which ends the game; null if
    /// the play ends sooner.</summary>
    private static Direction[]? Plan(uint seed, int moves)
    {
        var game = CornerPlay.StartGame(seed);
        var plan = new Direction[moves];
        for (var i = 0; i < moves; i++)
        {
            var best = int.MinValue;
            foreach (var direction in Directions)
            {
                var next = game;
                if (!Engine.TryMove(ref next, direction, [], out _)) continue;
                var score = Best(next, 1);
                if (score <= best) continue;
                best = score;
                plan[i] = direction;
            }

            if (!Engine.TryMove(ref game, plan[i], [], out _) || game.Over) return null;
        }

        return plan;
    }

    /// <summary>The most free cells reachable from <paramref name="game"/> in <paramref name="depth"/> moves; a game over is the worst.</summary>
    private static int Best(GameState game, int depth)
    {
        if (game.Over) return -1;
        if (depth == 0) return game.Board.EmptyCount;
        var best = -1;
        foreach (var direction in Directions)
        {
            var next = game;
            if (Engine.TryMove(ref next, direction, [], out _)) best = Math.Max(best, Best(next, depth - 1));
        }

        return best;
    }
}
