using System.Globalization;
using System.Text;
using EventApi.Bench.Harness;
using static EventApi.Bench.Harness.Report;
using static EventApi.Bench.Modes.Daemon.DaemonArguments;

namespace EventApi.Bench.Modes.Daemon;

/// <summary>The daemon mode's section of docs/benchmarks.md.</summary>
internal static class DaemonReport
{
    public static string Render(DaemonArguments options, BenchDatabase database, Workload workload, LoadResult load,
        BaselineResult baseline, CatchUpResult catchUp, List<RebuildResult> rebuilds)
    {
        var events = (double)load.LastSequence;
        var md = Report.BeginSection("Daemon catch-up and rebuilds (PostgreSQL, the API as a process)", database,
            "scripts/bench.sh daemon     # or: dotnet run -c Release --project bench/EventApi.Bench -- daemon --events 1000000");
        WorkloadParagraphs(md, workload, load, events);
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"**Baseline:** one streaming Npgsql query, `SELECT type, data FROM mt_events ORDER BY seq_id`, each row deserialized");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"with System.Text.Json into its event type (camelCase, enums as strings, as Marten's serializer), in the bench's process");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"while no API runs: the median of {baseline.Rates.Count} rounds ({string.Join(", ", baseline.Rates.Select(r => F(r, "N0")))} events/s).");
        md.AppendLine();
        CatchUpParagraphs(md, catchUp, events);
        md.AppendLine();
        TargetsTable(md, baseline, catchUp, events);
        RebuildsSection(md, baseline, rebuilds, events);
        if (options.Events != IssueEvents)
        {
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture,
                $"**Not the issue's size:** {options.Events:N0} events, not {IssueEvents:N0}" +
                $"{(options.Events == DefaultEvents ? ": the default, so that every mode of `scripts/bench.sh` together finishes within 10 minutes on the build machine (a million events keep this mode busy for about five at the rates above); `--events 1000000` runs the issue's size" : " (`--events`)")}.");
        }

        return md.ToString();
    }

    /// <summary>The events and how they were loaded.</summary>
    private static void WorkloadParagraphs(StringBuilder md, Workload workload, LoadResult load, double events)
    {
        md.AppendLine(CultureInfo.InvariantCulture,
            $"**The events:** {load.LastSequence:N0} events of {workload.Sessions:N0} real sessions from `SessionDecider`, played one move a");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"command by {Workload.ConcurrentSessions} players at a time, so the streams interleave as concurrent players make them. A third of the");
        md.AppendLine("players make a random legal move, a third play the corner strategy (down, left, right, up: the first that moves),");
        md.AppendLine("a third move at random and abandon after 5 to 150 moves; a tenth of the sessions play the daily challenge, half the others have");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"sealed seeds, none has a callback URL. {workload.Over:N0} ended in game over, {workload.Abandoned:N0} were abandoned,");
        var byType = string.Join(", ", workload.EventsByType.OrderByDescending(t => t.Value).Select(t => $"`{t.Key}` {t.Value:N0}"));
        md.AppendLine(CultureInfo.InvariantCulture, $"{workload.Active:N0} are still active; {workload.Milestones:N0} milestones. By type: {byType}.");
        md.AppendLine();
        md.AppendLine("**The load (not a target):** the API's own start-up creates the schema, then stops before any event exists. The");
        md.AppendLine("bench loads the events with Marten's `BulkInsertEventStreamAsync` (binary `COPY`, sequences in the order above)");
        md.AppendLine("and the inline `SessionView` of each session, the decider's fold as `SessionViewProjection` writes it, with");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"`BulkInsertDocumentsAsync`, then runs `ANALYZE`: {F(load.Events.TotalSeconds, "F1")} s for the events " +
            $"({F(events / load.Events.TotalSeconds, "N0")} events/s, mt_events {F(load.TableBytes / (1024.0 * 1024), "N0")} MiB),");
        md.AppendLine(CultureInfo.InvariantCulture, $"{F(load.Views.TotalSeconds, "F1")} s for the views.");
    }

    private static void CatchUpParagraphs(StringBuilder md, CatchUpResult catchUp, double events)
    {
        md.AppendLine("**Catch-up:** the API's Release build starts on the loaded database (its async shards as Wolverine's agents, every async projection and");
        md.AppendLine("the side-effects subscription from zero), and the bench polls `GET /admin/projections` every 200 ms until every");
        md.AppendLine("shard's sequence has reached the last event's. Timed from the process start, and from the first progress seen");
        md.AppendLine("(without the start-up and the daemon's leader election). Then three sessions and their events are read back");
        md.AppendLine("through the API and `GET /stats` is checked against the sessions loaded.");
        md.AppendLine();
        md.AppendLine("| shard | at the mark after | events/s from process start |");
        md.AppendLine("|---|---:|---:|");
        foreach (var shard in catchUp.Shards)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| `{shard.Name}` | {F(shard.Reached.TotalSeconds, "F1")} s | {F(events / shard.Reached.TotalSeconds, "N0")} |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"The API listened after {F(catchUp.Listening.TotalSeconds, "F1")} s and showed its first progress after " +
            $"{F(catchUp.FirstProgress.TotalSeconds, "F1")} s; every shard was at the mark after {F(catchUp.Done.TotalSeconds, "F1")} s.");
        var postgres = catchUp.PostgresCpuSeconds is { } pg
            ? $"PostgreSQL {F(pg, "F1")} s; the other {F(catchUp.MachineCpuSeconds - catchUp.ApiCpuSeconds - pg, "F1")} s were the bench's and whatever else ran on the machine"
            : "PostgreSQL not on this machine";
        md.AppendLine(CultureInfo.InvariantCulture,
            $"CPU over the catch-up ({F(catchUp.Done.TotalSeconds, "F1")} s of {Environment.ProcessorCount} cores): machine {F(catchUp.MachineCpuSeconds, "F1")} s, " +
            $"the API's process {F(catchUp.ApiCpuSeconds, "F1")} s ({F(catchUp.ApiStartUpCpuSeconds, "F1")} s of it until it listened), {postgres}.");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"The session timelines ({F(catchUp.Timelines.Heads.Count, "N0")}) have heads of {F(catchUp.Timelines.Heads.AverageBytes, "N0")} bytes of JSON on average " +
            $"({F(catchUp.Timelines.Heads.MaxBytes, "N0")} at most), which a batch rewrites, and {F(catchUp.Timelines.Segments.Count, "N0")} segments holding " +
            $"{F(catchUp.Timelines.Frames, "N0")} moves (a frame each, replayed when read), {F(catchUp.Timelines.Segments.AverageBytes, "N0")} bytes of JSON on average " +
            $"({F(catchUp.Timelines.Segments.MaxBytes, "N0")} at most), each written once.");
    }

    private static void TargetsTable(StringBuilder md, BaselineResult baseline, CatchUpResult catchUp, double events)
    {
        var catchUpRate = events / catchUp.Done.TotalSeconds;
        var workingRate = events / catchUp.Working.TotalSeconds;
        var ratio = catchUpRate / baseline.Rate;
        md.AppendLine("| measure | events/s | ratio to baseline | target | met |");
        md.AppendLine("|---|---:|---:|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| baseline: raw read + deserialize | {F(baseline.Rate, "N0")} | 1.00 | | |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| catch-up, all shards, from process start | {F(catchUpRate, "N0")} | {F(ratio, "F2")} | ≥ 0.1 of baseline; ≥ 40,000/s | " +
            $"{Yes(ratio >= 0.1)}; {Yes(catchUpRate >= 40_000)} |");
        md.AppendLine(CultureInfo.InvariantCulture,
            $"| catch-up, all shards, from the first progress | {F(workingRate, "N0")} | {F(workingRate / baseline.Rate, "F2")} | | |");
    }

    private static void RebuildsSection(StringBuilder md, BaselineResult baseline, List<RebuildResult> rebuilds, double events)
    {
        if (rebuilds.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("**Rebuilds:** `POST /admin/projections/{name}/rebuild` of each async projection in turn, on the caught-up API");
            md.AppendLine("(the endpoint answers when the rebuild has finished; its own `durationSeconds`). Events fed: those of the");
            md.AppendLine("types the projection declares, as the endpoint counts them. Informational: no target.");
            md.AppendLine();
            md.AppendLine("| projection | duration | events fed | fed/s | store events/s | ratio to baseline |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|");
            foreach (var r in rebuilds)
            {
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| `{r.Projection}` | {F(r.Seconds, "F1")} s | {F(r.EventsProcessed, "N0")} | {F(r.EventsProcessed / r.Seconds, "N0")} | " +
                    $"{F(events / r.Seconds, "N0")} | {F(events / r.Seconds / baseline.Rate, "F2")} |");
            }
        }
        else
        {
            md.AppendLine();
            md.AppendLine("Rebuilds were skipped (`--skip-rebuild`).");
        }

    }
}
