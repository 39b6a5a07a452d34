namespace EventApi.Domain.Game;

public enum Direction
{
    Up,
    Right,
    Down,
    Left,
}
