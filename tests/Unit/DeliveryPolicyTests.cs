using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using EventApi.Api.Features.SideEffects;
using Microsoft.Extensions.Options;

namespace EventApi.Unit;

public sealed class DeliveryPolicyTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Cap = TimeSpan.FromMinutes(5);
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(9, 256)]
    [InlineData(10, 300)]
    [InlineData(64, 300)]
    [InlineData(1000, 300)]
    public void the_backoff_is_a_full_jitter_draw_below_the_doubled_base_capped(int failedAttempts, int ceilingSeconds)
    {
        var ceiling = TimeSpan.FromSeconds(ceilingSeconds);

        DeliveryPolicy.Backoff(failedAttempts, Base, Cap, 0).ShouldBe(TimeSpan.Zero);
        DeliveryPolicy.Backoff(failedAttempts, Base, Cap, 0.5).ShouldBe(ceiling / 2);
        DeliveryPolicy.Backoff(failedAttempts, Base, Cap, 0.999_999).ShouldBeInRange(ceiling * 0.999, ceiling);

        var random = new Random(failedAttempts);
        var draws = Enumerable.Range(0, 2000).Select(_ => DeliveryPolicy.Backoff(failedAttempts, Base, Cap, random.NextDouble())).ToArray();
        draws.ShouldAllBe(d => d >= TimeSpan.Zero && d <= ceiling);
        // Jitter spreads the retries of many failures over the whole window rather than bunching them.
        draws.Min().ShouldBeLessThan(ceiling * 0.05);
        draws.Max().ShouldBeGreaterThan(ceiling * 0.95);
    }

    [Fact]
    public void the_backoff_counts_failed_attempts_from_one()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => DeliveryPolicy.Backoff(0, Base, Cap, 0.5));
    }

    [Fact]
    public void the_next_delay_is_the_backoff_or_a_later_retry_after()
    {
        var options = new SideEffectsOptions { RetryBaseDelay = Base, RetryMaxDelay = Cap };

        DeliveryPolicy.NextDelay(3, null, options, 0.5).ShouldBe(TimeSpan.FromSeconds(2));
        DeliveryPolicy.NextDelay(3, TimeSpan.FromSeconds(1), options, 0.5).ShouldBe(TimeSpan.FromSeconds(2));
        DeliveryPolicy.NextDelay(3, TimeSpan.FromMinutes(10), options, 0.5).ShouldBe(TimeSpan.FromMinutes(10));
    }

    [Theory]
    [InlineData(200, DeliveryOutcome.Delivered)]
    [InlineData(201, DeliveryOutcome.Delivered)]
    [InlineData(202, DeliveryOutcome.Delivered)]
    [InlineData(204, DeliveryOutcome.Delivered)]
    [InlineData(408, DeliveryOutcome.Transient)]
    [InlineData(429, DeliveryOutcome.Transient)]
    [InlineData(500, DeliveryOutcome.Transient)]
    [InlineData(502, DeliveryOutcome.Transient)]
    [InlineData(503, DeliveryOutcome.Transient)]
    [InlineData(504, DeliveryOutcome.Transient)]
    [InlineData(301, DeliveryOutcome.Permanent)]
    [InlineData(302, DeliveryOutcome.Permanent)]
    [InlineData(400, DeliveryOutcome.Permanent)]
    [InlineData(401, DeliveryOutcome.Permanent)]
    [InlineData(403, DeliveryOutcome.Permanent)]
    [InlineData(404, DeliveryOutcome.Permanent)]
    [InlineData(410, DeliveryOutcome.Permanent)]
    [InlineData(422, DeliveryOutcome.Permanent)]
    public void an_answer_is_delivered_transient_or_permanent_by_its_status(int status, DeliveryOutcome outcome)
    {
        var result = DeliveryPolicy.Classify(status, "Reason", null, Now);

        result.Outcome.ShouldBe(outcome);
        if (outcome == DeliveryOutcome.Delivered) return;
        result.Error.ShouldBe($"The receiver answered {status} Reason.");
        result.ExceptionType.ShouldBe(typeof(WebhookRejectedException).FullName);
    }

    [Fact]
    public void retry_after_is_read_as_seconds_or_as_a_date_and_only_on_transient_answers()
    {
        DeliveryPolicy.Classify(429, null, new RetryConditionHeaderValue(TimeSpan.FromSeconds(30)), Now).RetryAfter.ShouldBe(TimeSpan.FromSeconds(30));
        DeliveryPolicy.Classify(503, null, new RetryConditionHeaderValue(Now.AddMinutes(2)), Now).RetryAfter.ShouldBe(TimeSpan.FromMinutes(2));
        DeliveryPolicy.Classify(503, null, new RetryConditionHeaderValue(Now.AddMinutes(-2)), Now).RetryAfter.ShouldBe(TimeSpan.Zero);
        DeliveryPolicy.Classify(500, null, null, Now).RetryAfter.ShouldBeNull();
        DeliveryPolicy.Classify(410, null, new RetryConditionHeaderValue(TimeSpan.FromSeconds(30)), Now).RetryAfter.ShouldBeNull();
    }

    [Fact]
    public void timeouts_and_connection_errors_are_transient_and_a_request_that_cannot_be_made_is_permanent()
    {
        var timeout = DeliveryPolicy.Classify(new TaskCanceledException(), timedOut: true, TimeSpan.FromSeconds(10));
        (timeout.Outcome, timeout.ExceptionType, timeout.Error).ShouldBe((DeliveryOutcome.Transient, typeof(TimeoutException).FullName, "No answer within 10 s."));

        var refused = DeliveryPolicy.Classify(new HttpRequestException("Connection refused (127.0.0.1:9)"), timedOut: false, TimeSpan.FromSeconds(10));
        (refused.Outcome, refused.ExceptionType).ShouldBe((DeliveryOutcome.Transient, typeof(HttpRequestException).FullName));
        DeliveryPolicy.Classify(new IOException("reset"), false, TimeSpan.FromSeconds(10)).Outcome.ShouldBe(DeliveryOutcome.Transient);

        DeliveryPolicy.Classify(new InvalidOperationException("bad request URI"), false, TimeSpan.FromSeconds(10)).Outcome.ShouldBe(DeliveryOutcome.Permanent);
        DeliveryPolicy.Classify(new NotSupportedException("scheme"), false, TimeSpan.FromSeconds(10)).Outcome.ShouldBe(DeliveryOutcome.Permanent);
    }

    [Fact]
    public void a_refused_destination_is_permanent_and_its_recorded_error_is_the_same_whatever_the_port()
    {
        var refusal = new WebhookDestinationRefusedException("vm", [IPAddress.Loopback]);
        var open = DeliveryPolicy.Classify(new HttpRequestException("refused (vm:5432)", refusal), timedOut: false, TimeSpan.FromSeconds(10));
        var closed = DeliveryPolicy.Classify(new HttpRequestException("refused (vm:9)", refusal), timedOut: false, TimeSpan.FromSeconds(10));

        open.ShouldBe(closed);
        (open.Outcome, open.Error, open.ExceptionType).ShouldBe(
            (DeliveryOutcome.Permanent, DeliveryPolicy.DestinationNotAllowed, typeof(WebhookDestinationRefusedException).FullName));
        // The log, for operators, names the host and what it resolved to.
        open.Detail!.ShouldContain("'vm'");
        open.Detail!.ShouldContain("127.0.0.1");
    }

    [Fact]
    public void a_connection_that_fails_and_an_answer_that_is_not_http_record_the_same_error()
    {
        var closed = DeliveryPolicy.Classify(
            new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused (example.org:9)"), false, TimeSpan.FromSeconds(10));
        var notHttp = DeliveryPolicy.Classify(
            new HttpRequestException(HttpRequestError.ResponseEnded, "An error occurred while sending the request.", new IOException("ended")),
            false, TimeSpan.FromSeconds(10));
        var unresolved = DeliveryPolicy.Classify(
            new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (nowhere.example:80)"), false, TimeSpan.FromSeconds(10));

        (closed.Outcome, closed.Error).ShouldBe((DeliveryOutcome.Transient, DeliveryPolicy.NoHttpAnswer));
        (notHttp.Outcome, notHttp.Error).ShouldBe((DeliveryOutcome.Transient, DeliveryPolicy.NoHttpAnswer));
        closed.Detail.ShouldBe("Connection refused (example.org:9)");
        (unresolved.Outcome, unresolved.Error).ShouldBe((DeliveryOutcome.Transient, DeliveryPolicy.NameNotResolved));
    }

    [Theory]
    [InlineData("https://hooks.example.org/2048", true)]
    [InlineData("http://127.0.0.1:8080/hooks", true)]
    [InlineData("ftp://hooks.example.org/2048", false)]
    [InlineData("/hooks/2048", false)]
    [InlineData("not a url", false)]
    [InlineData(null, false)]
    public void only_an_absolute_http_or_https_url_can_be_called_and_any_other_is_a_permanent_failure(string? url, bool callable)
    {
        var result = DeliveryPolicy.CheckUrl(url, out var uri);

        if (callable)
        {
            result.ShouldBeNull();
            uri.ShouldNotBeNull();
            return;
        }

        result.ShouldNotBeNull().Outcome.ShouldBe(DeliveryOutcome.Permanent);
        result.ExceptionType.ShouldBe(typeof(UriFormatException).FullName);
        uri.ShouldBeNull();
    }

    [Fact]
    public void each_session_has_its_own_derived_secret_and_the_signature_is_the_hmac_of_the_body_keyed_by_it()
    {
        var signer = new WebhookSigner(Options.Create(new WebhookOptions { SigningKey = "unit-tests-webhook-signing-key-0123456789" }));
        var other = new WebhookSigner(Options.Create(new WebhookOptions { SigningKey = "another-webhook-signing-key-0123456789abc" }));
        var session = Guid.Parse("0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10");
        var body = """{"type":"game_over","sessionId":"0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10","version":9}"""u8.ToArray();

        var secret = signer.SecretFor(session);
        secret.Length.ShouldBe(43);
        signer.SecretFor(session).ShouldBe(secret);
        signer.SecretFor(Guid.NewGuid()).ShouldNotBe(secret);
        other.SecretFor(session).ShouldNotBe(secret);

        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
        signer.Sign(session, body).ShouldBe(expected);
        WebhookSigner.Signature(secret, body).ShouldBe(expected);
    }
}
