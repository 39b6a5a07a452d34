using System.Globalization;
using System.Linq.Expressions;
using System.Text;
using EventApi.Domain.Game;
using FluentValidation;

namespace EventApi.Api.Infrastructure;

/// <summary>The validation rules of input that several endpoints take: players, seeds and moves.</summary>
public static class InputRules
{
    public const int MaxPlayerLength = 32;

    /// <summary>The moves' JSON names.</summary>
    public static readonly IReadOnlyDictionary<string, Direction> Directions = new Dictionary<string, Direction>(StringComparer.Ordinal)
    {
        ["up"] = Direction.Up,
        ["right"] = Direction.Right,
        ["down"] = Direction.Down,
        ["left"] = Direction.Left,
    };

    /// <summary>1 to 32 printable characters, not only spaces.</summary>
    public static IRuleBuilderOptions<T, string?> MustBeAPlayer<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("'player' is required.")
            .Must(p => p is null || IsPrintable(p)).WithMessage("'player' must be printable characters, not only spaces.")
            .Must(p => p is null || p.EnumerateRunes().Count() <= MaxPlayerLength)
            .WithMessage($"'player' must be 1 to {MaxPlayerLength} characters.");

    /// <summary>An optional text filter of a query string: when given, 1 to <paramref name="maxLength"/> printable
    /// characters (no control character, which also keeps a NUL out of PostgreSQL's text parameters).</summary>
    public static IRuleBuilderOptions<T, string?> MustBeAFilter<T>(this IRuleBuilder<T, string?> rule, string name, int maxLength) =>
        rule.Must(v => v is null || v.Length <= maxLength && IsPrintable(v))
            .WithMessage($"'{name}' must be 1 to {maxLength} printable characters.");

    /// <summary>A whole number from 0 to 4294967295 (a null seed is left to the caller's rules).</summary>
    public static IRuleBuilderOptions<T, long?> MustBeASeed<T>(this IRuleBuilder<T, long?> rule) =>
        rule.InclusiveBetween(0, uint.MaxValue).WithMessage($"'seed' must be a whole number from 0 to {uint.MaxValue}.");

    /// <summary>
    /// 1 to <paramref name="maxMoves"/> moves, each of them up, right, down or left. Every unknown direction is
    /// reported under its own index (<c>moves[3]</c>), in one pass over the list: a 100,000-move list costs about a
    /// millisecond, where a rule per element would cost a hundred.
    /// </summary>
    public static void MustBeMoves<T>(this AbstractValidator<T> validator, Expression<Func<T, IReadOnlyList<string>?>> moves, int maxMoves)
    {
        validator.RuleFor(moves)
            .NotNull().WithMessage("'moves' is required.")
            .Must(m => m is null || m.Count >= 1 && m.Count <= maxMoves)
            .WithMessage($"'moves' must hold 1 to {maxMoves} moves.");

        validator.RuleFor(moves).Custom((list, context) =>
        {
            if (list is null || list.Count > maxMoves) return;
            for (var i = 0; i < list.Count; i++)
            {
                var move = list[i];
                if (move is null || !Directions.ContainsKey(move))
                    context.AddFailure($"{context.PropertyPath}[{i}]", $"'{move}' is not a move; use up, right, down or left.");
            }
        });
    }

    /// <summary>The directions of moves that passed <see cref="MustBeMoves{T}"/>.</summary>
    public static Direction[] ToDirections(IReadOnlyList<string> moves)
    {
        var directions = new Direction[moves.Count];
        for (var i = 0; i < directions.Length; i++) directions[i] = Directions[moves[i]];
        return directions;
    }

    private static bool IsPrintable(string text) =>
        !string.IsNullOrWhiteSpace(text) && text.EnumerateRunes().All(r => Rune.GetUnicodeCategory(r) is not (
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
            or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator))
        && !text.Contains('\uFFFD');
}
