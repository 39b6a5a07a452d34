using System.Net.Http.Headers;

namespace EventApi.Integration.Contract;

/// <summary>
/// Checks every answer a test receives against the served OpenAPI document: its status is listed for the operation,
/// and its body matches the schema of its media type (an event stream's frames are checked as they are read,
/// by <c>LiveStream</c>). A violation fails the request, and so the test, with what broke.
/// Requests to paths the document does not have (unknown routes), or with methods it does not list for them, are not
/// the contract's business.
/// </summary>
public sealed class ContractValidatingHandler(Func<OpenApiContract> contract) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var operation = contract().Find(request.Method, request.RequestUri!.AbsolutePath);
        if (operation is null) return response;

        // A stream never ends by itself: its opening is checked here, its frames by whoever reads them.
        if (MediaType(response.Content.Headers.ContentType) == OpenApiContract.EventStream)
        {
            var streamViolations = contract().CheckEventStream(operation, (int)response.StatusCode).ToList();
            if (streamViolations.Count == 0) return response;
            response.Dispose();
            throw new ContractViolationException(string.Join("\n", streamViolations));
        }

        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var violations = contract().Check(operation, (int)response.StatusCode, MediaType(response.Content.Headers.ContentType), body).ToList();
        if (violations.Count > 0)
        {
            response.Dispose();
            throw new ContractViolationException(string.Join("\n", violations));
        }

        return response;
    }

    private static string? MediaType(MediaTypeHeaderValue? contentType) => contentType?.MediaType;
}

public sealed class ContractViolationException(string message) : Exception("The answer breaks the OpenAPI contract: " + message);
