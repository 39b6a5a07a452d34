using System.Net.Http.Json;
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

public static class Games
{
    private static readonly string[] Names = ["up", "right", "down", "left"];

    /// <summary>
    /// Starts a session and plays it through HTTP: random real moves (the client runs the same engine, so it only
    /// sends moves that move something), in batches of <paramref name="batch"/>, until the game is over or
    /// <paramref name="maxMoves"/> moves; then abandons it when <paramref name="abandon"/> and it is not over.
    /// <paramref name="afterEachRequest"/>, when given, runs after each request's answer (to wait for the daemon, say).
    /// </summary>
    public static async Task<PlayedGame> PlayAsync(HttpClient client, string player, uint seed, int randomSeed,
        int maxMoves = int.MaxValue, int batch = 50, bool abandon = false, Func<Task>? afterEachRequest = null)
    {
        var started = await client.StartAsync(player, seed);
        var game = Engine.Start(seed, out _, out _);
        var random = new Random(randomSeed);
        var moves = new List<Direction>();
        while (!game.Over && moves.Count < maxMoves)
        {
            var direction = (Direction)random.Next(4);
            if (Engine.TryMove(ref game, direction, [], out _)) moves.Add(direction);
        }

        var steps = new List<(SessionResponse, DateTimeOffset)>();
        foreach (var chunk in moves.Chunk(batch))
        {
            var view = await client.MoveOkAsync(started.Id, started.Token, chunk.Select(d => Names[(int)d]).ToArray());
            steps.Add((view, DateTimeOffset.UtcNow));
            if (afterEachRequest is not null) await afterEachRequest();
        }

        if (abandon && !game.Over)
        {
            using var response = await client.AbandonAsync(started.Id, started.Token);
            response.EnsureSuccessStatusCode();
            steps.Add(((await response.Content.ReadFromJsonAsync<SessionResponse>(SessionsClient.Json))!, DateTimeOffset.UtcNow));
        }

        return new PlayedGame(started, moves, steps);
    }
}
