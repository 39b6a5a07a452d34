using EventApi.Integration.Infrastructure;
using Microsoft.Playwright;

namespace EventApi.Integration.Browser;

/// <summary>
/// A test of the web client in Chromium, against the API on Kestrel. The data is reset before each test; each page is
/// opened in a browser context of its own (its own storage and network, as a second browser would be), closed after
/// the test. An error the page does not catch fails the test.
/// </summary>
[Collection(BrowserCollection.Name)]
public abstract class BrowserTest(BrowserApiFactory api, Chromium chromium) : IAsyncLifetime
{
    /// <summary>A desktop window; <see cref="Phone"/> is a phone's.</summary>
    public static readonly ViewportSize Desktop = new() { Width = 1000, Height = 900 };
    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    static BrowserTest() =>
        // How long Expect(...) waits for the page to get there: the machines these tests run on may be busy.
        Assertions.SetDefaultExpectTimeout(15_000);

    private readonly List<IBrowserContext> _contexts = [];
    private readonly List<string> _pageErrors = [];

    protected BrowserApiFactory Api { get; } = api;

    /// <summary>Talks to the API through HTTP beside the browser; every answer is checked against the OpenAPI document.</summary>
    protected HttpClient Client { get; } = api.CreateContractClient();

    public virtual Task InitializeAsync() => Api.ResetDataAsync();

    /// <summary>A page of the web client at <paramref name="route"/> (<c>#/watch</c>, say), in a new browser context.</summary>
    protected async Task<IPage> OpenAsync(string route = "", ViewportSize? viewport = null)
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Api.Address.ToString(),
            ViewportSize = viewport ?? Desktop,
            // No animations: screenshots and boards are read as they end up.
            ReducedMotion = ReducedMotion.Reduce,
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.PageError += (_, error) =>
        {
            lock (_pageErrors) _pageErrors.Add(error);
        };
        await page.GotoAsync("/" + route);
        return page;
    }

    /// <summary>Playwright's assertions, which wait for the page to get there: <c>await Expect(locator).ToHaveTextAsync(…)</c>.</summary>
    protected static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    /// <summary>Keeps a screenshot of the whole page as a test artifact: <c>TestResults/screenshots/{name}.png</c>.</summary>
    protected static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Path.Combine(ApiProcess.RepositoryRoot, "TestResults", "screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}.png"), FullPage = true });
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var context in _contexts) await context.DisposeAsync();
        Client.Dispose();
        lock (_pageErrors) _pageErrors.ShouldBeEmpty("the page threw errors it did not catch");
    }
}
