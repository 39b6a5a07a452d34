using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace EventApi.Integration.Infrastructure;

/// <summary>One line the host logged, as the console would show it: its exception's stack trace included.</summary>
public sealed record CapturedLog(string Category, LogLevel Level, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {Category}: {Message}{(Exception is null ? "" : "\n" + Exception)}";
}

/// <summary>
/// What an in-memory host logs, at the levels its configuration lets through, for the tests that check what an operator
/// reads. Keeps the latest <see cref="Capacity"/> lines.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public const int Capacity = 5000;
    private readonly ConcurrentQueue<CapturedLog> _lines = new();

    public IReadOnlyList<CapturedLog> Lines => [.. _lines];

    public void Clear() => _lines.Clear();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(CapturedLog line)
    {
        _lines.Enqueue(line);
        while (_lines.Count > Capacity) _lines.TryDequeue(out _);
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) =>
            logs.Add(new CapturedLog(category, logLevel, formatter(state, exception), exception));
    }
}
