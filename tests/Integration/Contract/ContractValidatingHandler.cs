using System.Net.Http.Headers;

namespace EventApi.Integration.Contract;

/// <summary>
/// Checks every answer a test receives against the served OpenAPI document: its status is listed for the operation,
/// and its body matches the schema of its media type. A violation fails the request, and so the test, with what broke.
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
