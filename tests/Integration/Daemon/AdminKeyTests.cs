using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using EventApi.Api.Infrastructure;
using EventApi.Api.Operations;
using EventApi.Integration.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EventApi.Integration.Daemon;

public sealed class AdminKeyTests(ApiFactory api) : ApiTest(api)
{
    /// <summary>Every endpoint under /admin, and requests to them whose query or route values would not bind or
    /// validate: the key is checked before any of that.</summary>
    public static TheoryData<string, string> AdminEndpoints => new()
    {
        { "GET", "/admin/projections" },
        { "POST", "/admin/projections/statistics/rebuild" },
        { "GET", "/admin/side-effects" },
        { "GET", "/admin/dead-letters" },
        { "POST", "/admin/dead-letters/replay" },
        { "POST", "/admin/dead-letters/0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10:2:webhook/replay" },
        { "DELETE", "/admin/dead-letters/0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10:2:webhook" },
        { "GET", "/admin/dead-letters?sessionId=zz" },
        { "GET", "/admin/dead-letters?limit=abc" },
        { "GET", "/admin/dead-letters?limit=0&messageType=%00" },
        { "POST", "/admin/dead-letters/replay?sessionId=zz&eventType=%01" },
        { "POST", "/admin/dead-letters/replay?exceptionType=" + new string('x', 300) },
        { "POST", "/admin/dead-letters/%01/replay" },
        { "DELETE", "/admin/dead-letters/%01" },
        { "POST", "/admin/projections/%01/rebuild" },
        { "GET", "/admin/projections?limit=abc" },
        { "GET", "/admin/side-effects?limit=abc" },
    };

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task admin_endpoints_refuse_a_request_without_the_admin_key_with_a_401_problem(string method, string path)
    {
        using var response = await Client.SendAdminAsync(new HttpMethod(method), path, key: null);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "urn:eventapi:problem:missing-admin-key");
        response.Headers.WwwAuthenticate.ToString().ShouldBe("AdminKey header=\"X-Admin-Key\"");
    }

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task admin_endpoints_refuse_a_wrong_admin_key_with_a_403_problem_that_does_not_echo_it(string method, string path)
    {
        const string wrong = ApiFactory.AdminKey + "x";

        using var response = await Client.SendAdminAsync(new HttpMethod(method), path, wrong);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "urn:eventapi:problem:invalid-admin-key");
        (await response.Content.ReadAsStringAsync()).ShouldNotContain(wrong);
    }

    [Fact]
    public async Task admin_endpoints_answer_with_the_right_admin_key()
    {
        using var response = await Client.SendAdminAsync(HttpMethod.Get, "/admin/projections");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task more_than_one_admin_key_header_is_a_401_problem()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/projections");
        request.Headers.TryAddWithoutValidation(AdminClient.Header, [ApiFactory.AdminKey, ApiFactory.AdminKey]);

        using var response = await Client.SendAsync(request);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "urn:eventapi:problem:missing-admin-key");
        problem.Detail.ShouldBe("Send exactly one X-Admin-Key header.");
    }

    [Fact]
    public async Task without_a_configured_admin_key_every_admin_request_is_a_403_problem_saying_so()
    {
        var handler = new AdminKeyAuthenticationHandler(Api.Services.GetRequiredService<IOptionsMonitor<AuthenticationSchemeOptions>>(),
            NullLoggerFactory.Instance, UrlEncoder.Default, new AdminKey(Options.Create(new AdminOptions())));
        var context = new DefaultHttpContext { RequestServices = Api.Services };
        context.Request.Headers[AdminClient.Header] = ApiFactory.AdminKey;
        context.Response.Body = new MemoryStream();
        await handler.InitializeAsync(
            new AuthenticationScheme(AdminKeyAuthenticationHandler.SchemeName, null, typeof(AdminKeyAuthenticationHandler)), context);

        (await handler.AuthenticateAsync()).Succeeded.ShouldBeFalse();
        await handler.ChallengeAsync(null);

        context.Response.StatusCode.ShouldBe(StatusCodes.Status403Forbidden);
        context.Response.Body.Position = 0;
        var problem = (await JsonSerializer.DeserializeAsync<Problem>(context.Response.Body, SessionsClient.Json))!;
        problem.Type.ShouldBe("urn:eventapi:problem:admin-disabled");
        problem.Detail!.ShouldContain("EventApi:AdminKey");
    }
}
