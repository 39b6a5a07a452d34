using Microsoft.Net.Http.Headers;

namespace EventApi.Api.Infrastructure;

/// <summary>
/// The browser client: the plain files of <c>wwwroot/</c> (HTML, CSS, ES modules, no build step), served from the
/// content root, with <c>/</c> answered by <c>index.html</c>. They are files, not endpoints: the OpenAPI document does
/// not see them, and a path that is no file still gets the API's <c>404</c> problem.
/// </summary>
/// <remarks>
/// <c>UseStaticFiles</c> rather than <c>MapStaticAssets</c>: it serves <c>src/Api/wwwroot</c> under
/// <c>scripts/run-api.sh</c> (a Release build run from the project, in the Production environment) and the test hosts,
/// and the published <c>wwwroot/</c> in the image, with nothing in between; <c>MapStaticAssets</c> reads a manifest
/// that a build (not a publish) points outside the output in any environment but Development.
/// </remarks>
public static class WebClient
{
    /// <summary>The page's scripts, styles and connections come from this origin only.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    public static WebApplication UseWebClient(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions
        {
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                // Revalidated on every load (an ETag round trip), so a new version of the engine is never mixed with
                // an old page.
                headers.CacheControl = "no-cache";
                headers.XContentTypeOptions = "nosniff";
                headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
                headers["Referrer-Policy"] = "no-referrer";
            },
        });
        return app;
    }
}
