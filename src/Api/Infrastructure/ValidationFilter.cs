using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Http.HttpResults;

namespace EventApi.Api.Infrastructure;

/// <summary>
/// Validates an endpoint's <typeparamref name="TRequest"/> argument with its FluentValidation validator before
/// the handler runs: a 400 problem listing every failing field, and the handler (and so any append) never runs.
/// </summary>
public sealed class ValidationFilter<TRequest>(IValidator<TRequest> validator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.Arguments.OfType<TRequest>().FirstOrDefault();
        if (request is null) return ValidationProblems.MissingBody();

        var result = await validator.ValidateAsync(request, context.HttpContext.RequestAborted);
        return result.IsValid ? await next(context) : ValidationProblems.Failed(result);
    }
}

public static class ValidationProblems
{
    public static ProblemHttpResult MissingBody() =>
        Problems.Create(StatusCodes.Status400BadRequest, ProblemTypes.MalformedRequest, "Missing request body", "This endpoint needs a JSON body.");

    /// <summary>The 400 that lists every failing field of <paramref name="result"/> by its JSON path.</summary>
    public static ValidationProblem Failed(ValidationResult result) =>
        TypedResults.ValidationProblem(
            result.ToDictionary(),
            detail: "One or more fields are invalid; see errors.",
            title: "Validation failed",
            type: ProblemTypes.ValidationFailed);
}

public static class ValidationFilterExtensions
{
    /// <summary>Runs <typeparamref name="TRequest"/>'s validator before the handler.</summary>
    public static RouteHandlerBuilder Validate<TRequest>(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<ValidationFilter<TRequest>>()
            .ProducesValidationProblem();
}
