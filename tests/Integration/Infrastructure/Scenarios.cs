using EventApi.Api.Features.Sessions;
using EventApi.Domain.Game;

namespace EventApi.Integration.Infrastructure;

/// <summary>A game played through HTTP, with what the client saw after each request.</summary>
public sealed record PlayedGame(
    StartedSessionResponse Started,
    IReadOnlyList<Direction> Moves,
    IReadOnlyList<(SessionResponse View, DateTimeOffset SeenAt)> Steps)
{
    public SessionResponse Final => Steps.Count == 0 ? Started : Steps[^1].View;
}

/// <summary>A game the client played offline with the engine: its seed, its moves by their JSON names, and where it
/// ended.</summary>
public sealed record OfflineGame(uint Seed, IReadOnlyList<string> Moves, GameState Game);

/// <summary>
/// The ways the tests get a session to a state, each named by that state. They go through HTTP as a client would,
/// choosing moves with the client's own copy of the engine (<see cref="Moves"/>), so that every move sent moves
/// something.
/// </summary>
public static class Scenarios
{
    /// <summary>A batch that sends the moves in one request (as many as a request takes).</summary>
    public const int OneRequest = MakeMovesRequest.MaxMoves;

    private static readonly Direction[] Greedy = [Direction.Down, Direction.Left, Direction.Right, Direction.Up];

    /// <summary>A session started on <paramref name="seed"/>, and a move that moves something from its start.</summary>
    public static async Task<(StartedSessionResponse Started, string Move)> StartedSessionAsync(this HttpClient client, uint seed = 12345)
    {
        var started = await client.StartAsync(seed: seed);
        return (started, Moves.FirstValidThenNoOp(Engine.Start(seed, out _, out _)).Valid);
    }

    /// <summary>
    /// A session on <paramref name="seed"/> played with random real moves (directions drawn from
    /// <paramref name="randomSeed"/>), in batches of <paramref name="batch"/>, until the game is over or
    /// <paramref name="maxMoves"/> moves; then abandoned when <paramref name="abandon"/> and it is not over.
    /// <paramref name="afterEachRequest"/>, when given, runs after each request's answer (to wait for the daemon, say).
    /// </summary>
    public static async Task<PlayedGame> PlayedSessionAsync(this HttpClient client, string player, uint seed, int randomSeed,
        int maxMoves = int.MaxValue, int batch = 50, bool abandon = false, string? callbackUrl = null,
        Func<Task>? afterEachRequest = null)
    {
        var started = await client.StartAsync(player, seed, callbackUrl);
        var game = Engine.Start(seed, out _, out _);
        var moves = Moves.PlayRandom(ref game, new Random(randomSeed), maxMoves);

        var steps = new List<(SessionResponse, DateTimeOffset)>();
        foreach (var chunk in moves.Chunk(batch))
        {
            var view = await client.MoveOkAsync(started.Id, started.Token, Moves.NamesOf(chunk));
            steps.Add((view, DateTimeOffset.UtcNow));
            if (afterEachRequest is not null) await afterEachRequest();
        }

        if (abandon && !game.Over) steps.Add((await client.AbandonOkAsync(started.Id, started.Token), DateTimeOffset.UtcNow));

        return new PlayedGame(started, moves, steps);
    }

    /// <summary>A session on <paramref name="seed"/> with up to <paramref name="moves"/> random real moves (directions
    /// drawn from the seed too) made in one request, then abandoned unless <paramref name="abandon"/> is false: a short
    /// game for the projections. Returns the session and the moves played.</summary>
    public static async Task<(Guid Id, int Moves)> SessionWithMovesAsync(this HttpClient client, string player, uint seed, int moves,
        bool abandon = true)
    {
        var game = await client.PlayedSessionAsync(player, seed, randomSeed: (int)seed, maxMoves: moves, batch: OneRequest);
        if (abandon) await client.AbandonOkAsync(game.Started.Id, game.Started.Token);
        return (game.Started.Id, game.Moves.Count);
    }

    /// <summary>
    /// A sealed session played as a client would: it cannot know the spawns, so it reads the board after each move and
    /// sends one that moves something (from a direction drawn from <paramref name="randomSeed"/> on, clockwise), one a
    /// request, up to <paramref name="moves"/> moves or until the game is over.
    /// </summary>
    public static async Task<PlayedGame> PlayedSealedSessionAsync(this HttpClient client, string player, int moves,
        string? callbackUrl = null, int randomSeed = 7)
    {
        var started = await client.StartAsync(player, seed: null, callbackUrl);
        var random = new Random(randomSeed);
        var played = new List<Direction>();
        var steps = new List<(SessionResponse, DateTimeOffset)>();
        SessionResponse view = started;
        while (view.Status == SessionStatusName.Active && played.Count < moves)
        {
            var board = Board.FromRows(view.Board);
            var direction = Enumerable.Range(random.Next(4), 4).Select(d => (Direction)(d % 4)).First(d => Moves.MovesSomething(board, d));
            view = await client.MoveOkAsync(started.Id, started.Token, Moves.NameOf(direction));
            played.Add(direction);
            steps.Add((view, DateTimeOffset.UtcNow));
        }

        return new PlayedGame(started, played, steps);
    }

    /// <summary>A session with a callback, started and abandoned: one webhook, for version 2. Returns the session as
    /// started (with its token and webhook secret).</summary>
    public static async Task<StartedSessionResponse> AbandonedSessionAsync(this HttpClient client, string player,
        string callbackUrl, uint seed = 12345)
    {
        var started = await client.StartAsync(player, seed, callbackUrl);
        await client.AbandonOkAsync(started.Id, started.Token);
        return started;
    }

    /// <summary>A session that reached its 512 milestone (<see cref="GameReaching512"/>, played in one request), then
    /// abandoned unless <paramref name="abandon"/> is false. Returns the session as started (with its token and webhook
    /// secret).</summary>
    public static async Task<StartedSessionResponse> SessionThatReached512Async(this HttpClient client, string player,
        string? callbackUrl, bool abandon = true, uint from = 1)
    {
        var (seed, moves) = GameReaching512(from);
        var started = await client.StartAsync(player, seed, callbackUrl);
        var view = await client.MoveOkAsync(started.Id, started.Token, moves);
        view.MaxTile.ShouldBe(512);
        if (abandon) await client.AbandonOkAsync(started.Id, started.Token);
        return started;
    }

    /// <summary>The first seed from <paramref name="from"/> up whose greedy corner game (down, left, right, up last)
    /// reaches 512, and its moves up to that milestone (a few hundred): a long game. The engine runs here, as a client
    /// would.</summary>
    public static (uint Seed, string[] Moves) GameReaching512(uint from = 1)
    {
        for (var seed = from; ; seed++)
        {
            var game = Engine.Start(seed, out _, out _);
            var moves = new List<Direction>();
            while (!game.Over && game.MaxTile < 512)
            {
                foreach (var direction in Greedy)
                {
                    if (!Engine.TryMove(ref game, direction, [], out _)) continue;
                    moves.Add(direction);
                    break;
                }
            }

            if (game.MaxTile >= 512) return (seed, Moves.NamesOf(moves));
        }
    }

    /// <summary>A game played offline to its end with random real moves (directions drawn from
    /// <paramref name="randomSeed"/>), to claim.</summary>
    public static OfflineGame FinishedOfflineGame(uint seed, int randomSeed)
    {
        var game = Engine.Start(seed, out _, out _);
        var moves = Moves.PlayRandom(ref game, new Random(randomSeed));
        return new OfflineGame(seed, Moves.NamesOf(moves), game);
    }
}
