using System.Net;
using EventApi.Api.Infrastructure;
using EventApi.Integration.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace EventApi.Integration.Daemon;

public sealed class AdminKeyTests(ApiFactory api) : ApiTest(api)
{
    /// <summary>Every endpoint under /admin.</summary>
    public static TheoryData<string, string> AdminEndpoints => new()
    {
        { "GET", "/admin/projections" },
        { "POST", "/admin/projections/statistics/rebuild" },
        { "GET", "/admin/side-effects" },
        { "GET", "/admin/dead-letters" },
        { "POST", "/admin/dead-letters/replay" },
        { "POST", "/admin/dead-letters/0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10:2:webhook/replay" },
        { "DELETE", "/admin/dead-letters/0195f1c4-6a2e-7c3b-9d41-2f7a8e5b6c10:2:webhook" },
    };

    [Theory]
    [MemberData(nameof(AdminEndpoints))]
    public async Task admin_endpoints_refuse_a_request_without_the_admin_key_with_a_401_problem(string method, string path)
    {
        using var response = await Client.SendAdminAsync(new HttpMethod(method), path, key: null);

        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "urn:eventapi:problem:missing-admin-key");
        response.Headers.WwwAuthenticate.ShouldNotBeEmpty();
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
    public async Task without_a_configured_admin_key_every_admin_request_is_a_403_problem_saying_so()
    {
        var filter = new AdminKeyFilter(new AdminKey(Options.Create(new AdminOptions())));
        var context = new DefaultHttpContext();
        context.Request.Headers["X-Admin-Key"] = ApiFactory.AdminKey;

        var result = await filter.InvokeAsync(new DefaultEndpointFilterInvocationContext(context),
            _ => throw new InvalidOperationException("The endpoint must not run."));

        var problem = result.ShouldBeOfType<ProblemHttpResult>().ProblemDetails;
        problem.Status.ShouldBe(StatusCodes.Status403Forbidden);
        problem.Type.ShouldBe("urn:eventapi:problem:admin-disabled");
        problem.Detail!.ShouldContain("EventApi:AdminKey");
    }
}
