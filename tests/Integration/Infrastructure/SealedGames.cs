using EventApi.Api.Features.Sessions;
using EventApi.Domain.Game;

namespace EventApi.Integration.Infrastructure;

/// <summary>Sealed games played through HTTP as a client would: it cannot know the spawns, so it reads the board after
/// each move and sends one that moves something.</summary>
public static class SealedGames
{
    private static readonly string[] Names = ["up", "right", "down", "left"];

    /// <summary>Starts a sealed session and plays up to <paramref name="moves"/> real moves, one a request, until the game is over.</summary>
    public static async Task<PlayedGame> PlayAsync(HttpClient client, string player, int moves, string? callbackUrl = null, int randomSeed = 7)
    {
        var started = await client.StartAsync(player, seed: null, callbackUrl);
        var random = new Random(randomSeed);
        var played = new List<Direction>();
        var steps = new List<(SessionResponse, DateTimeOffset)>();
        SessionResponse view = started;
        while (view.Status == SessionStatusName.Active && played.Count < moves)
        {
            var rows = view.Board;
            var direction = Enumerable.Range(random.Next(4), 4).Select(d => (Direction)(d % 4)).First(d => MovesSomething(rows, d));
            view = await client.MoveOkAsync(started.Id, started.Token, Names[(int)direction]);
            played.Add(direction);
            steps.Add((view, DateTimeOffset.UtcNow));
        }

        return new PlayedGame(started, played, steps);
    }

    private static bool MovesSomething(int[][] rows, Direction direction)
    {
        var board = Board.FromRows(rows);
        return Rules.Slide(ref board, direction, [], out _, out _);
    }
}
