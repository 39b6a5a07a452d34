using Microsoft.Playwright;

namespace EventApi.Integration.Browser;

/// <summary>
/// The machine's Chromium, driven by Playwright. Playwright's own browser download is not used (it does not work on
/// the machines this project is built on): the browser is <c>EVENTAPI_CHROMIUM</c> when set, otherwise Debian's
/// <c>/usr/bin/chromium</c>, which <c>scripts/test.sh</c> installs when it is missing.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string DefaultPath = "/usr/bin/chromium";

    /// <summary>Chromium's background connections (updates, sync, QUIC probes) are refused by a closed network, and the
    /// tests need none of them. Playwright adds <c>--no-sandbox</c> itself (which Chromium needs as root).</summary>
    private static readonly string[] Arguments =
    [
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium has not been launched.");

    public static string ExecutablePath
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("EVENTAPI_CHROMIUM") is { Length: > 0 } set ? set : DefaultPath;
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException(
                    $"The browser tests need Chromium at {path}: run them with scripts/test.sh, which installs Debian's " +
                    "chromium package when it is missing, or install it (apt-get install chromium), or set EVENTAPI_CHROMIUM.");
        }
    }

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Arguments,
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}
