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
        md.AppendLine("`GET /sessions/{id}/replay?version=v` on the API (its Release build, a process of its own, on this run's");
        md.AppendLine("database) against baselines in this process. The API keeps a checkpoint of the state every");
        md.AppendLine(CultureInfo.InvariantCulture, $"{SessionCheckpointEvery} events and folds from the last one at or before v; v is the last version before the stream's last");
        md.AppendLine(CultureInfo.InvariantCulture, $"checkpoint, the farthest from one ({SessionCheckpointEvery - 1} events after the one before). The baseline is a raw Npgsql");
        md.AppendLine("round trip of two statements, the same checkpoint's row and `SELECT type, data` of the events after it up to v,");
        md.AppendLine("then System.Text.Json deserialization and `SessionDecider.Fold` from the checkpoint's state (below the first");
        md.AppendLine("checkpoint, from the first event). Beside them, the same raw read and fold from the first event, and");
        md.AppendLine("`AggregateStreamAsync<SessionView>(id, version: v)` in this process (Marten's read and fold, from the first");
        md.AppendLine("event). They run in turns after 5 s of them untimed (the tiered JIT), and their answers are checked equal to each other and to the");
        md.AppendLine("stream's fold. Streams up to 10,000 events are real games played through the API (an open session with the");
        md.AppendLine("seed, then the moves, 1,000 a request), the moves chosen by a four-move search over the engine (the spawns");
        md.AppendLine("follow from the seed, so it sees them) with the usual 2048 line heuristics; the first seed whose game lasts");
        md.AppendLine("the asked number of events is used. No game lasts 100,000 events (the board runs out of room before a");
        md.AppendLine("131,072 tile, after a perfect game), so a longer stream is the 10,000-event game again and again in one");
        md.AppendLine("stream, each time from its `SessionStarted`, which the fold takes as a new game; the decider would never");
        md.AppendLine("append that, so it is loaded through Marten (1,000 events a transaction, with the API's inline view, which");
        md.AppendLine("writes the checkpoints). The targets: the replay within 2x of the baseline. The last column is what HTTP");
        md.AppendLine("costs by itself: `GET /health/live`, the API's cheapest endpoint, on the same client, in the same turns.");
        md.AppendLine();
        md.AppendLine("| stream | games | version v | from checkpoint | HTTP replay | baseline (from the checkpoint) | ratio | target ≤ 2 | raw from the first event | Marten in process | trivial GET |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|");
        foreach (var t in travel)
        {
            var ratio = t.HttpMs / t.FromCheckpointMs;
            md.AppendLine(
                $"| {t.Length:N0} | {t.Games} | {t.Version:N0} | {(t.CheckpointVersion == 0 ? "first event" : t.CheckpointVersion.ToString("N0", CultureInfo.InvariantCulture))} | " +
                $"{F(t.HttpMs, "F2")} ms | {F(t.FromCheckpointMs, "F2")} ms | {F(ratio, "F2")} | {Yes(ratio <= 2)} | " +
                $"{F(t.FromFirstEventMs, "F2")} ms | {F(t.MartenMs, "F2")} ms | {F(t.TrivialGetMs, "F2")} ms |");
        }
    }

    private const int SessionCheckpointEvery = EventApi.Projections.Sessions.SessionCheckpoint.Every;
}
