using EventApi.Integration.Infrastructure;

namespace EventApi.Integration.Browser;

/// <summary>
/// The API on real Kestrel, serving the web client from <c>src/Api/wwwroot</c> (the test host's content root is the
/// API's project folder) to a real browser.
/// </summary>
public sealed class BrowserApiFactory : KestrelApiFactory;

/// <summary>The browser tests: one API host and one Chromium for all of them; each test opens contexts of its own.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserApiFactory>, ICollectionFixture<Chromium>
{
    public const string Name = "web client in chromium";
}
