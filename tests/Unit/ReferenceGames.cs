using System.Text.Json;
using EventApi.Domain.Game;

namespace EventApi.Unit;

/// <summary>One step of a reference game: a move that moved (with the board, score, won and over after it), or a
/// move that moved nothing.</summary>
internal sealed record Step(Direction Direction, bool Moved, int[][] Rows, int Score, bool Won, bool Over);

/// <summary>A game played by a re-implementation of the original 2048 game manager (reference/reference-games.js).</summary>
internal sealed record ReferenceGame(uint Seed, string Policy, int[][] Start, IReadOnlyList<Step> Steps)
{
    public IEnumerable<Step> Moves => Steps.Where(s => s.Moved);
}

/// <summary>The reference games of reference/games.json, read once.</summary>
internal static class ReferenceGames
{
    private static readonly Lazy<IReadOnlyList<ReferenceGame>> Games = new(Load);

    public static IReadOnlyList<ReferenceGame> All => Games.Value;

    private static IReadOnlyList<ReferenceGame> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "reference", "games.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var games = new List<ReferenceGame>();
        foreach (var game in document.RootElement.EnumerateArray())
        {
            var steps = new List<Step>();
            foreach (var step in game.GetProperty("steps").EnumerateArray())
            {
                steps.Add(step.ValueKind == JsonValueKind.String
                    ? new Step(Boards.Parse(step.GetString()!), false, [], 0, false, false)
                    : new Step(
                        Boards.Parse(step[0].GetString()!),
                        true,
                        step[1].Deserialize<int[][]>()!,
                        step[2].GetInt32(),
                        step[3].GetBoolean(),
                        step[4].GetBoolean()));
            }

            games.Add(new ReferenceGame(
                game.GetProperty("seed").GetUInt32(),
                game.GetProperty("policy").GetString()!,
                game.GetProperty("start").Deserialize<int[][]>()!,
                steps));
        }

        return games;
    }
}
