using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EventApi.Api.Features.SideEffects;
using EventApi.Integration.Infrastructure;

namespace EventApi.Integration.SideEffects;

/// <summary>The README's table of who sees what, column by column: what the public, a session's owner and an admin see of a
/// session's private data (its callback URL, token and webhook secret).</summary>
public sealed class WhoSeesWhatTests(SideEffectsApiFactory api) : SideEffectsTest(api)
{
    [Fact]
    public async Task the_public_sees_no_callback_url_token_or_webhook_secret_in_any_session_read()
    {
        var url = Receiver.UrlFor("public") + "?key=owner-only-credential";
        var started = await Client.StartAsync("yara", seed: 12345, callbackUrl: url);
        await Client.MoveOkAsync(started.Id, started.Token, "left", "up", "right");
        await Api.WaitForProjectionsAsync();

        foreach (var read in new[]
                 {
                     $"/sessions/{started.Id}", $"/sessions/{started.Id}/events", $"/sessions/{started.Id}/timeline",
                     $"/sessions/{started.Id}/replay?version=1", $"/sessions/{started.Id}/replay?version=4", "/sessions",
                     "/sessions?status=active",
                 })
        {
            using var response = await Client.GetAsync(read);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, read);
            var body = await response.Content.ReadAsStringAsync();
            body.ShouldNotContain("owner-only-credential", Case.Sensitive, read);
            body.ShouldNotContain(Receiver.UrlFor("public"), Case.Sensitive, read);
            body.ShouldNotContain(started.Token, Case.Sensitive, read);
            body.ShouldNotContain(started.WebhookSecret!, Case.Sensitive, read);
        }
    }

    [Fact]
    public async Task the_owner_gets_the_token_webhook_secret_and_callback_url_once_in_the_start_answer()
    {
        var url = Receiver.UrlFor("owner");
        var started = await Client.StartAsync("zoe", seed: 5, callbackUrl: url);

        started.Token.ShouldNotBeNullOrEmpty();
        started.WebhookSecret.ShouldNotBeNullOrEmpty();
        started.CallbackUrl.ShouldBe(url);
        var view = await Client.GetFromJsonAsync<JsonElement>($"/sessions/{started.Id}");
        foreach (var owners in new[] { "token", "webhookSecret", "callbackUrl" })
            view.TryGetProperty(owners, out _).ShouldBeFalse(owners);
    }

    [Fact]
    public async Task an_admin_sees_the_callback_url_of_a_dead_letter_and_nobody_else_does()
    {
        var url = Receiver.UrlFor("admin", new Behaviour.Always(410));
        var gone = await Client.AbandonedSessionAsync("ada", url);
        await Api.WaitForSideEffectsAsync(gone.Id, 1, SideEffectStatus.DeadLettered);

        var letters = await Client.GetAdminJsonAsync($"/admin/dead-letters?sessionId={gone.Id}");
        letters.GetProperty("deadLetters").EnumerateArray().Single().GetProperty("url").GetString().ShouldBe(url);

        using var anonymous = await Client.GetAsync($"/admin/dead-letters?sessionId={gone.Id}");
        anonymous.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.Content.ReadAsStringAsync()).ShouldNotContain(url);
    }
}
