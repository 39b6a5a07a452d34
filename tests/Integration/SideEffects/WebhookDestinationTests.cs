using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using EventApi.Api.Features.SideEffects;
using EventApi.Integration.Faults;
using EventApi.Integration.Infrastructure;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EventApi.Integration.SideEffects;

/// <summary>A host with the API's default webhook destinations: no internal address is allowed, loopback included.</summary>
public sealed class DefaultDestinationsApiFactory : ApiFactory
{
    protected override IDictionary<string, string?> Settings(IDictionary<string, string?> defaults)
    {
        foreach (var key in LoopbackWebhooks.Keys) defaults.Remove(key);
        return defaults;
    }
}

[CollectionDefinition(Name)]
public sealed class DefaultDestinationsCollection : ICollectionFixture<DefaultDestinationsApiFactory>
{
    public const string Name = "api with the default webhook destinations";
}

/// <summary>By default, webhooks reach nothing inside the network: internal addresses are refused at <c>POST /sessions</c>
/// when the URL spells one, and when a webhook connects to what a host name resolves to.</summary>
[Collection(DefaultDestinationsCollection.Name)]
public sealed class WebhookDestinationTests(DefaultDestinationsApiFactory api) : ApiTest(api)
{
    [Theory]
    [InlineData("http://127.0.0.1/hooks")]
    [InlineData("http://localhost/hooks")]
    [InlineData("http://2130706433/hooks")]
    [InlineData("http://0x7f000001/hooks")]
    [InlineData("http://127.1/hooks")]
    [InlineData("http://[::1]/hooks")]
    [InlineData("http://[::ffff:127.0.0.1]/hooks")]
    [InlineData("http://127.0.0.1:5432/")]
    [InlineData("http://admin.localhost/admin/projections")]
    public async Task a_callback_url_naming_loopback_in_any_spelling_is_refused_at_start(string url)
    {
        await ShouldBeRefusedAtStartAsync(url);
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://10.0.0.1/")]
    [InlineData("http://192.168.1.1/")]
    [InlineData("http://172.16.0.1/")]
    [InlineData("http://100.64.0.1/")]
    [InlineData("http://0.0.0.0/")]
    [InlineData("http://[fd00::1]/")]
    [InlineData("http://[fe80::1]/")]
    public async Task a_callback_url_naming_a_link_local_private_or_unique_local_address_is_refused_at_start(string url)
    {
        await ShouldBeRefusedAtStartAsync(url);
    }

    /// <summary>By name, so that the test's name holds no control character.</summary>
    private static readonly Dictionary<string, string> Malformed = new()
    {
        ["nul"] = "https://game.example.org/hooks\0/2048",
        ["crlf"] = "https://game.example.org/hooks\r\nX-Injected: yes",
        ["delete"] = "https://game.example.org/hooks\u007f",
        ["user and password"] = "https://player:secret@game.example.org/hooks",
        ["user"] = "https://player@game.example.org/hooks",
    };

    [Theory]
    [InlineData("nul")]
    [InlineData("crlf")]
    [InlineData("delete")]
    [InlineData("user and password")]
    [InlineData("user")]
    public async Task a_callback_url_with_control_characters_or_user_information_is_refused_at_start(string which)
    {
        await ShouldBeRefusedAtStartAsync(Malformed[which]);
    }

    [Fact]
    public async Task a_callback_url_of_more_than_2048_characters_is_refused_at_start()
    {
        var url = "https://game.example.org/hooks/";
        await ShouldBeRefusedAtStartAsync(url + new string('a', 2049 - url.Length));
    }

    [Fact]
    public async Task a_host_name_that_resolves_to_this_machine_is_refused_when_the_webhook_connects_and_dead_lettered_alike_whether_its_port_is_open_or_closed()
    {
        // The machine's own name passes POST /sessions (a name is not an address) and resolves, offline, to this machine:
        // loopback from /etc/hosts, or a container's private address.
        var host = Dns.GetHostName();
        var addresses = await Dns.GetHostAddressesAsync(host);
        addresses.ShouldNotBeEmpty();
        addresses.ShouldAllBe(a => WebhookDestinations.IsInternal(a), $"{host} resolves to {string.Join(", ", addresses)}: this test needs a name of this machine");

        // Something listens on every address of this machine (an open port), and on the database's port; nothing on the third.
        using var listener = TcpListener.Create(0);
        listener.Start();
        var open = ((IPEndPoint)listener.LocalEndpoint).Port;
        var database = new NpgsqlConnectionStringBuilder(Api.Services.GetRequiredService<IConfiguration>()["ConnectionStrings:Postgres"]).Port;
        var closed = new Uri(WebhookReceiver.DownUrl()).Port;

        var sessions = new List<Guid>();
        foreach (var port in new[] { open, database, closed })
            sessions.Add((await Client.AbandonedSessionAsync($"prober{port}", $"http://{host}:{port}/hooks/probe")).Id);

        var deadLetters = new List<SideEffect>();
        foreach (var session in sessions)
            deadLetters.Add(await Api.WaitForStatusAsync(SideEffect.IdFor(session, 2, SideEffectKind.Webhook), SideEffectStatus.DeadLettered));

        // Permanent (not retried), with one reason whatever the port, and no connection was made.
        deadLetters.ShouldAllBe(d => d.Attempts == 1 && d.LastError == DeliveryPolicy.DestinationNotAllowed
                                     && d.ExceptionType == typeof(WebhookDestinationRefusedException).FullName);
        listener.Pending().ShouldBeFalse();

        var listed = await Client.GetAdminJsonAsync("/admin/dead-letters?exceptionType=WebhookDestinationRefusedException");
        listed.GetProperty("total").GetInt32().ShouldBe(3);
        listed.GetProperty("deadLetters").EnumerateArray()
            .Select(d => (d.GetProperty("lastError").GetString(), d.GetProperty("exceptionType").GetString(), d.GetProperty("attempts").GetInt32()))
            .Distinct().ShouldHaveSingleItem();
    }

    /// <summary>POST /sessions with the callback URL: a 400 validation problem about callbackUrl alone, and nothing appended.</summary>
    private async Task ShouldBeRefusedAtStartAsync(string url)
    {
        using var response = await Client.PostAsJsonAsync("/sessions", new { player = "prober", seed = 1, callbackUrl = url });

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "urn:eventapi:problem:validation-failed");
        problem.Errors!.Keys.ShouldBe(["callbackUrl"]);
        await using var query = Api.Store.QuerySession();
        (await query.Events.QueryAllRawEvents().CountAsync()).ShouldBe(0);
    }
}

/// <summary>With loopback allowed (as the test hosts configure it), its spellings are accepted and delivered to.</summary>
public sealed class AllowedWebhookDestinationTests(SideEffectsApiFactory api) : SideEffectsTest(api)
{
    [Theory]
    [InlineData("http://2130706433:{0}/hooks/decimal")]
    [InlineData("http://0x7f000001:{0}/hooks/hex")]
    [InlineData("http://127.1:{0}/hooks/short")]
    [InlineData("http://localhost:{0}/hooks/localhost")]
    [InlineData("http://[::ffff:127.0.0.1]:{0}/hooks/mapped")]
    public async Task a_callback_url_naming_loopback_in_any_spelling_is_accepted_and_delivered_to_when_loopback_is_allowed(string template)
    {
        var url = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, Receiver.BaseAddress.Port);
        var path = url[(url.LastIndexOf('/') + 1)..];

        var started = await Client.AbandonedSessionAsync("local", url);

        await WebhookReceiver.WaitUntilAsync(() => Receiver.Delivered(path).Count == 1, "the webhook", SideEffectsTesting.Patience);
        Receiver.Delivered(path).Single().IdempotencyKey.ShouldBe($"{started.Id:D}:2");
    }

    [Fact]
    public async Task a_closed_port_and_an_open_port_that_does_not_answer_http_record_the_same_error()
    {
        // Something that is not an HTTP server: it greets every connection in its own protocol and hangs up.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(async () =>
        {
            while (true)
            {
                using var connection = await listener.AcceptTcpClientAsync(stop.Token);
                await connection.GetStream().WriteAsync("SSH-2.0-OpenSSH_9.2\r\n"u8.ToArray(), stop.Token);
            }
        });

        var open = await Client.AbandonedSessionAsync("open", $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/hooks", seed: 1);
        var closed = await Client.AbandonedSessionAsync("closed", WebhookReceiver.DownUrl(), seed: 2);
        var openLetter = await Api.WaitForStatusAsync(SideEffect.IdFor(open.Id, 2, SideEffectKind.Webhook), SideEffectStatus.DeadLettered);
        var closedLetter = await Api.WaitForStatusAsync(SideEffect.IdFor(closed.Id, 2, SideEffectKind.Webhook), SideEffectStatus.DeadLettered);
        await stop.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => serving);

        (openLetter.LastError, openLetter.ExceptionType, openLetter.Attempts)
            .ShouldBe((closedLetter.LastError, closedLetter.ExceptionType, closedLetter.Attempts));
        openLetter.LastError.ShouldBe(DeliveryPolicy.NoHttpAnswer);
    }

    [Fact]
    public async Task an_ipv6_loopback_url_is_accepted_at_start_when_loopback_is_allowed()
    {
        var started = await Client.StartAsync("local", 1, "http://[::1]:9/hooks");

        started.WebhookSecret.ShouldNotBeNull();
    }
}

/// <summary>The allowed networks are checked when the API starts.</summary>
[Collection(ProcessFaultTests.Name)]
public sealed class AllowedNetworksStartTests
{
    [Fact]
    public async Task the_api_refuses_to_start_when_an_allowed_network_is_not_a_cidr_network()
    {
        await using var api = new ApiProcess(ApiProcess.Settings(await PostgresServer.CreateDatabaseAsync("eventapi_allowed_networks"),
            ("EventApi:Webhooks:AllowedNetworks:1", "localhost")));

        var refused = await Should.ThrowAsync<InvalidOperationException>(() => api.StartAsync(TimeSpan.FromSeconds(90)));

        // The console wraps long lines.
        refused.Message.ShouldContain("EventApi:Webhooks:AllowedNetworks must list CIDR networks");
        refused.Message.ShouldContain("these are not: 'localhost'.");
    }
}
