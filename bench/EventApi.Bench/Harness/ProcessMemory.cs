using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace EventApi.Bench.Harness;

/// <summary>A .NET process's memory: its working set, and its GC heap right after a full collection (null when the
/// runtime did not answer).</summary>
public sealed record MemorySample(long WorkingSet, long? GcHeap);

/// <summary>
/// The memory of a .NET process on this machine: its resident set from <c>/proc/&lt;pid&gt;/status</c>, and its GC
/// heap read as <c>dotnet-gcdump</c> reads it, through the runtime's diagnostic port: an EventPipe session with the
/// GC heap-collect keyword makes the runtime run a full, blocking, induced collection, and the heap's size after it
/// comes in that collection's <c>GCHeapStats</c> event.
/// </summary>
public static class ProcessMemory
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>A full collection in <paramref name="pid"/>, then its GC heap and working set.</summary>
    public static async Task<MemorySample> SampleAsync(int pid)
    {
        var heap = await GcHeapAfterFullCollectionAsync(pid);
        return new MemorySample(WorkingSet(pid), heap);
    }

    /// <summary>The resident set (VmRSS) of <paramref name="pid"/>, in bytes.</summary>
    public static long WorkingSet(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static async Task<long?> GcHeapAfterFullCollectionAsync(int pid)
    {
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        var provider = new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, keywords);
        EventPipeSession session;
        try
        {
            session = await new DiagnosticsClient(pid).StartEventPipeSessionAsync([provider], requestRundown: false, token: default);
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or TimeoutException)
        {
            Console.Error.WriteLine($"The runtime of process {pid} did not open a diagnostic session: {e.Message}");
            return null;
        }

        using (session)
        {
            using var source = new EventPipeEventSource(session.EventStream);
            var heap = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            var induced = false;
            // The induced collection's heap, not that of one that happened to end first.
            source.Clr.GCStart += e => induced |= e.Reason == GCReason.Induced;
            source.Clr.GCHeapStats += e =>
            {
                if (induced) heap.TrySetResult(e.TotalHeapSize);
            };
            var processing = Task.Run(source.Process);
            var answered = await Task.WhenAny(heap.Task, Task.Delay(Patience)) == heap.Task;
            await session.StopAsync(default);
            await processing;
            return answered ? await heap.Task : null;
        }
    }
}
