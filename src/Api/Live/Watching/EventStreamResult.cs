using System.Buffers;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace EventApi.Api.Live;

/// <summary>
/// Writes a subscription as <c>text/event-stream</c>. The frames go through .NET's <see cref="SseFormatter"/>, the
/// formatter ASP.NET Core's <c>TypedResults.ServerSentEvents</c> uses, with the same headers; that formatter writes
/// events only, so the two lines it has no item for are written here: the <c>retry:</c> hint when the stream opens,
/// and a comment when the stream has been idle for <see cref="LiveOptions.HeartbeatInterval"/>.
/// </summary>
public sealed class EventStreamResult(Subscription subscription, LiveOptions options, TimeProvider clock) : IResult
{
    private static readonly byte[] Heartbeat = ": keep-alive\n\n"u8.ToArray();

    public async Task ExecuteAsync(HttpContext http)
    {
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache,no-store";
        response.Headers.Pragma = "no-cache";
        response.Headers.ContentEncoding = "identity";
        // nginx buffers proxied responses unless told not to.
        response.Headers["X-Accel-Buffering"] = "no";
        http.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();

        var ct = http.RequestAborted;
        await using var body = new HeartbeatStream(response.Body, Heartbeat, options.HeartbeatInterval, clock);
        try
        {
            var retry = Encoding.UTF8.GetBytes($"retry: {((long)options.ReconnectDelay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}\n\n");
            await body.WriteAsync(retry, ct);
            body.Start(ct);
            await SseFormatter.WriteAsync(subscription.ReadAllAsync(ct), body, static (item, writer) => writer.Write(item.Data), ct);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && (ct.IsCancellationRequested || subscription.Dropped))
        {
            // The client left, or fell too far behind and was cut off: there is nobody to answer.
        }
        finally
        {
            subscription.Dispose();
        }
    }
}

/// <summary>
/// The response body of a stream: writes are serialized (a frame, or a heartbeat, is never split by the other), and a
/// heartbeat goes out whenever nothing has been written for an interval.
/// </summary>
internal sealed class HeartbeatStream(Stream inner, byte[] heartbeat, TimeSpan interval, TimeProvider clock) : Stream
{
    private readonly SemaphoreSlim _write = new(1, 1);
    private long _lastWrite = clock.GetTimestamp();
    private Task _heartbeats = Task.CompletedTask;
    private CancellationTokenSource? _stop;

    public void Start(CancellationToken ct)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _heartbeats = BeatAsync(_stop.Token);
    }

    private async Task BeatAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(interval / 2, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                if (clock.GetElapsedTime(Volatile.Read(ref _lastWrite)) < interval) continue;
                await WriteAsync(heartbeat, ct);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // The stream ended or the client left: the frames' writer sees it too.
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await _write.WaitAsync(cancellationToken);
        try
        {
            // Buffering is off (IHttpResponseBodyFeature.DisableBuffering): the write goes out as it is.
            await inner.WriteAsync(buffer, cancellationToken);
            Volatile.Write(ref _lastWrite, clock.GetTimestamp());
        }
        finally
        {
            _write.Release();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask DisposeAsync()
    {
        if (_stop is not null)
        {
            await _stop.CancelAsync();
            await _heartbeats;
            _stop.Dispose();
        }

        _write.Dispose();
        await base.DisposeAsync();
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() => throw new NotSupportedException("The stream is written asynchronously.");
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("The stream is written asynchronously.");
}
