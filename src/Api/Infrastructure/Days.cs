using System.Globalization;

namespace EventApi.Api.Infrastructure;

/// <summary>Days in URLs: UTC days written <c>yyyy-MM-dd</c>.</summary>
public static class Days
{
    public const string Format = "yyyy-MM-dd";

    /// <summary>The shape of <see cref="Format"/>, for the OpenAPI document (a day that fits it may still not exist).</summary>
    public const string Pattern = @"^\d{4}-\d{2}-\d{2}$";

    /// <summary>Reads a day from a path; false (answer <see cref="Problems.InvalidDate"/>) when it is not one.</summary>
    public static bool TryParse(string text, out DateOnly day) =>
        DateOnly.TryParseExact(text, Format, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
}
