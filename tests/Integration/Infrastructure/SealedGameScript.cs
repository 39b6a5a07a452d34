namespace EventApi.Integration.Infrastructure;

/// <summary><c>scripts/verify-sealed-game.mjs</c>, run with node as the docs show it: on pages of a session's events
/// written to its standard input, or on the URL of the first page, whose next links it follows itself.</summary>
public static class SealedGameScript
{
    public static Task<CommandResult> OnStdinAsync(string pages) => RunAsync([], pages);

    public static Task<CommandResult> OnUrlAsync(string url) => RunAsync([url], stdin: null);

    private static Task<CommandResult> RunAsync(string[] arguments, string? stdin) =>
        Commands.RunAsync("node", [Path.Combine(ApiProcess.RepositoryRoot, "scripts", "verify-sealed-game.mjs"), .. arguments],
            TimeSpan.FromSeconds(60), stdin);
}
