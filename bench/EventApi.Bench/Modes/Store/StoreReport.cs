using System.Globalization;
using System.Text;
using EventApi.Bench.Harness;
using static EventApi.Bench.Harness.Report;

namespace EventApi.Bench.Modes.Store;

/// <summary>The store mode's section of docs/benchmarks.md.</summary>
internal static class StoreReport
{
    public static string Render(StoreArguments options, BenchDatabase database, List<AppendResult> appends, List<TravelResult> travel)
    {
        var md = Report.BeginSection("Store (PostgreSQL)", database,
            "scripts/bench.sh            # or: dotnet run -c Release --project bench/EventApi.Bench -- store --events 3000");
        md.AppendLine("Each run creates its own database (`eventapi_bench_<time>`) and drops it at the end. The Marten store is built in");
        md.AppendLine("the bench as `MartenSetup` builds the API's (System.Text.Json, camelCase, enums as strings, Guid streams,");
        md.AppendLine("advisory-lock transactions, extended progression tracking, the session event types) without the web host.");
        md.AppendLine("Timed with `Stopwatch`: a warm-up round, then measured rounds; each figure is the median round.");
        md.AppendLine();
        AppendsSection(md, options, appends);
        md.AppendLine();
        TimeTravelSection(md, travel);
        return md.ToString();
    }

    private static void AppendsSection(StringBuilder md, StoreArguments options, List<AppendResult> appends)
    {
        double Rate(string name, int perTx) => appends.Single(a => a.Name == name && a.PerTransaction == perTx).EventsPerSecond;
        var insertRatio = Rate("Marten", 1) / Rate("raw INSERT", 1);
        var copyRatio = Rate("Marten", 100) / Rate("raw COPY", 100);

        md.AppendLine("### Appends");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"{options.AppendEvents:N0} events a round, {options.Rounds} rounds, one connection, cases taking turns in each round. Each");
        md.AppendLine("event is the same `TilesMoved` (one merge and the spawn), appended to 64 existing streams in turn, one");
        md.AppendLine("lightweight session and `SaveChangesAsync` a transaction. **No projection is registered in this store** (the");
        md.AppendLine("product runs `SessionView` inline): these are raw appends. The baselines write the same JSON (`jsonb`) with");
        md.AppendLine("stream id, version and type into a table with a unique (stream, version): a single-row `INSERT` in its own");
        md.AppendLine("transaction, and a binary `COPY` of 100 rows a transaction.");
        md.AppendLine();
        md.AppendLine("| case | events a transaction | events/s |");
        md.AppendLine("|---|---:|---:|");
        foreach (var a in appends) md.AppendLine(CultureInfo.InvariantCulture, $"| {a.Name} | {a.PerTransaction} | {F(a.EventsPerSecond, "N0")} |");
        md.AppendLine();
        md.AppendLine("| ratio | measured | target | met |");
        md.AppendLine("|---|---:|---:|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Marten at 1 / raw INSERT | {F(insertRatio, "F2")} | ≥ 0.8 | {Yes(insertRatio >= 0.8)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| Marten at 100 / raw COPY | {F(copyRatio, "F2")} | ≥ 0.3 | {Yes(copyRatio >= 0.3)} |");
    }

    private static void TimeTravelSection(StringBuilder md, List<TravelResult> travel)
    {
        md.AppendLine("### Time travel");
        md.AppendLine();
        md.AppendLine("`GET /sessions/{id}/replay?version=N` on the API (its Release build, a process of its own, on this run's");
        md.AppendLine("database), N the stream's last version, against the baseline in this process: a raw Npgsql `SELECT type, data`");
        md.AppendLine("of the stream's events up to N, System.Text.Json deserialization and `SessionDecider.Fold`. The middle column is");
        md.AppendLine("`AggregateStreamAsync<SessionView>(id, version: N)` in this process, on the same events (Marten's read and fold; the");
        md.AppendLine("endpoint reads the view and the events in one batch and folds them with the decider). The three run in turns after a warm-up, and their answers are checked equal");
        md.AppendLine("to each other and to the game as played. The streams are real games played through the API (an open session");
        md.AppendLine("with the seed, then the moves, 1,000 a request), the moves chosen by a four-move search over the engine (the");
        md.AppendLine("spawns follow from the seed, so it sees them) with the usual 2048 line heuristics (empty cells, equal");
        md.AppendLine("neighbours, monotonic lines); the first seed whose game lasts the asked number of events is used.");
        md.AppendLine();
        md.AppendLine("| events asked | stream version N | moves | max tile | HTTP replay | Marten in process | baseline | ratio (HTTP / baseline) | target ≤ 2 |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var t in travel)
        {
            var ratio = t.HttpMs / t.BaselineMs;
            md.AppendLine(
                $"| {t.Requested:N0} | {t.Version:N0} | {t.Moves:N0} | {t.MaxTile} | {F(t.HttpMs, "F2")} ms | " +
                $"{F(t.MartenMs, "F2")} ms | {F(t.BaselineMs, "F2")} ms | {F(ratio, "F2")} | {Yes(ratio <= 2)} |");
        }
    }
}
