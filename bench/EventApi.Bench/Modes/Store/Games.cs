using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Numerics;
using EventApi.Api.Features.Sessions;
using EventApi.Bench.Harness;
using EventApi.Domain.Game;
using EventApi.Domain.Sessions;

namespace EventApi.Bench.Modes.Store;

/// <summary>The store mode's games: real sessions through the decider, played far by a search, and played again through the API.</summary>
internal static class Games
{
    /// <summary>Plays a game through the API: an open session with the game's seed, then its moves, 1,000 a request.</summary>
    public static async Task<Guid> PlayOverHttpAsync(HttpClient http, List<object> played)
    {
        var started = (SessionStarted)played[0];
        using var start = await http.PostAsJsonAsync("/sessions", new { player = started.Player, seed = started.Seed });
        start.EnsureSuccessStatusCode();
        var session = (await start.Content.ReadFromJsonAsync<StartedSessionResponse>(SessionStore.Json))!;
        var moves = played.OfType<TilesMoved>().Select(m => m.Direction.ToString().ToLowerInvariant()).ToArray();
        foreach (var chunk in moves.Chunk(MakeMovesRequest.MaxMoves))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/sessions/{session.Id}/moves")
            {
                Content = JsonContent.Create(new { moves = chunk }),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.Token);
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }

        return session.Id;
    }

    public static SessionStarted Started(Guid id, uint seed) =>
        (SessionStarted)SessionDecider.Decide(
            StartSession.Open(id, "bench", seed, callbackUrl: null, DateTimeOffset.UtcNow), SessionState.Initial).Events[0];

    /// <summary>
    /// A real session through the decider, exactly <paramref name="target"/> events long: a start, then one move a
    /// command, each chosen by <see cref="Choose"/>. Seeds are tried from 1 until a game lasts that long; the stream
    /// ends where the target is reached, whole commands only.
    /// </summary>
    public static (List<object> Events, SessionState Final) Play(int target)
    {
        for (uint seed = 1; seed <= 64; seed++)
        {
            var at = new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);
            var state = SessionState.Initial;
            var events = new List<object>();

            void Accept(Decision decision)
            {
                if (!decision.IsAccepted) throw new InvalidOperationException(decision.Rejection!.Detail);
                foreach (var e in decision.Events)
                {
                    events.Add(e);
                    state = SessionDecider.Evolve(state, e);
                }
            }

            Accept(SessionDecider.Decide(StartSession.Open(Guid.NewGuid(), "bench", seed, null, at), state));
            while (events.Count < target && state.Status == SessionStatus.Active)
            {
                at = at.AddSeconds(1);
                Accept(SessionDecider.Decide(new MakeMoves([Choose(state.Game)], at), state));
            }

            if (events.Count >= target) return (events, state);
        }

        throw new InvalidOperationException($"No game of seeds 1 to 64 lasted {target:N0} events.");
    }

    private static readonly Direction[] Directions = [Direction.Up, Direction.Right, Direction.Down, Direction.Left];

    /// <summary>
    /// The move whose best continuation three moves further is best by <see cref="Evaluate"/>. The spawns follow from
    /// the seed, so the search sees them: it is exact, not an expectation.
    /// </summary>
    private static Direction Choose(GameState game)
    {
        var best = Direction.Up;
        var bestScore = double.NegativeInfinity;
        foreach (var direction in Directions)
        {
            var next = game;
            if (!Engine.TryMove(ref next, direction, [], out _)) continue;
            var score = Search(next, depth: 3);
            if (score > bestScore) (best, bestScore) = (direction, score);
        }

        return best;
    }

    private static double Search(GameState game, int depth)
    {
        if (game.Over) return double.MinValue;
        if (depth == 0) return Evaluate(game.Board);
        var best = double.MinValue;
        foreach (var direction in Directions)
        {
            var next = game;
            if (!Engine.TryMove(ref next, direction, [], out _)) continue;
            best = Math.Max(best, Search(next, depth - 1));
        }

        return best;
    }

    /// <summary>The sum of <see cref="LineScores"/> over the board's rows and columns.</summary>
    private static double Evaluate(Board board)
    {
        Span<int> ranks = stackalloc int[Board.CellCount];
        for (var y = 0; y < Board.Size; y++)
        for (var x = 0; x < Board.Size; x++)
        {
            var value = board[x, y];
            ranks[y * Board.Size + x] = value == 0 ? 0 : BitOperations.Log2((uint)value);
        }

        double score = 0;
        for (var i = 0; i < Board.Size; i++)
        {
            var row = i * Board.Size;
            score += LineScores[ranks[row] | ranks[row + 1] << 4 | ranks[row + 2] << 8 | ranks[row + 3] << 12];
            score += LineScores[ranks[i] | ranks[i + 4] << 4 | ranks[i + 8] << 8 | ranks[i + 12] << 12];
        }

        return score;
    }

    /// <summary>
    /// A line of four tiles (their ranks, 4 bits each) scored as the usual 2048 heuristics do: empty cells and equal
    /// neighbours are good, lines that are not monotonic and big tiles away from merging are bad.
    /// </summary>
    private static readonly double[] LineScores = BuildLineScores();

    private static double[] BuildLineScores()
    {
        var scores = new double[1 << 16];
        Span<int> line = stackalloc int[Board.Size];
        for (var key = 0; key < scores.Length; key++)
        {
            for (var i = 0; i < Board.Size; i++) line[i] = (key >> (4 * i)) & 0xF;
            double sum = 0, towardStart = 0, towardEnd = 0;
            int empty = 0, merges = 0, previous = 0, run = 0;
            for (var i = 0; i < Board.Size; i++)
            {
                var rank = line[i];
                sum += Math.Pow(rank, 3.5);
                if (rank == 0)
                {
                    empty++;
                    continue;
                }

                if (rank == previous)
                {
                    run++;
                }
                else if (run > 0)
                {
                    merges += 1 + run;
                    run = 0;
                }

                previous = rank;
            }

            if (run > 0) merges += 1 + run;
            for (var i = 1; i < Board.Size; i++)
            {
                var step = Math.Pow(line[i - 1], 4) - Math.Pow(line[i], 4);
                if (step > 0) towardStart += step;
                else towardEnd -= step;
            }

            scores[key] = 200_000 + 270.0 * empty + 700.0 * merges - 47.0 * Math.Min(towardStart, towardEnd) - 11.0 * sum;
        }

        return scores;
    }
}
