using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Snorkeler.Studio;

/// <summary>
/// Answers every failed request with <c>{"error": "..."}</c> and a 4xx status (a write the file system refused with
/// <c>"unwritten": true</c> too, <see cref="StudioRefusal.Unwritten"/>): refusals, bad input data, and requests the
/// framework cannot bind (bad JSON, a field of the wrong type, no body), whose messages are put in the reader's words and
/// name the field. Anything else is a defect: 500, with the same shape, so the page can show it.
/// </summary>
internal static partial class ApiErrors
{
    /// <summary>Runs <paramref name="next"/> and answers its failure.</summary>
    public static async Task Handle(HttpContext context, Func<Task> next)
    {
        try
        {
            await next();
        }
        catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
        {
            var (status, message) = e switch
            {
                StudioRefusal r => (r.Status, r.Message),
                SnorkelerException => (StatusCodes.Status400BadRequest, e.Message),
                BadHttpRequestException b => (b.StatusCode, Describe(b)),
                _ => (StatusCodes.Status500InternalServerError, $"the studio failed: {e.GetType().Name}: {e.Message}"),
            };
            await Answer(context, status, message, e is StudioRefusal { Unwritten: true });
            return;
        }
        // Routing answers a request no endpoint takes (an unknown path, another method, a body that is not JSON) and
        // Kestrel one whose body is too large with a bare status; the page and scripts read the reason from the JSON.
        var response = context.Response;
        if (!response.HasStarted && response.StatusCode >= 400 && response.ContentLength is null && response.ContentType is null)
            await Answer(context, response.StatusCode, Bare(context));
    }

    private static async Task Answer(HttpContext context, int status, string message, bool unwritten = false)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        if (unwritten) await context.Response.WriteAsJsonAsync(new { error = message, unwritten });
        else await context.Response.WriteAsJsonAsync(new { error = message });
    }

    /// <summary>What a bare error status of the framework means, in the reader's words.</summary>
    private static string Bare(HttpContext context)
    {
        var request = context.Request;
        var path = $"{request.PathBase}{request.Path}";
        return context.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => $"no such request: {request.Method} {path} (the API's requests are listed in docs/studio.md)",
            StatusCodes.Status405MethodNotAllowed when context.Response.Headers.Allow.ToString() is { Length: > 0 } allow
                => $"{path} takes {Text.Listing.Join(allow.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), "or")}, not {request.Method}",
            StatusCodes.Status415UnsupportedMediaType
                => $"the request body must be JSON sent with Content-Type: application/json, not '{request.ContentType?.Split(';')[0].Trim() ?? "none"}'",
            StatusCodes.Status413PayloadTooLarge
                => string.Create(CultureInfo.InvariantCulture, $"the request body is larger than {StudioServer.MaxRequestBytes >> 20} MB ({StudioServer.MaxRequestBytes:N0} bytes), the most the studio takes"),
            var status => $"the request was refused (HTTP {status})",
        };
    }

    /// <summary>What was wrong with a request the framework could not bind, in the reader's words.</summary>
    private static string Describe(BadHttpRequestException e)
    {
        if (e.InnerException is JsonException json)
        {
            var field = json.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
            // A lone surrogate escape ("\ud800") fails as a string that "could not be converted": the string is there, its Unicode is not.
            if (field is not null && Surrogate(json) is { } surrogate)
                return $"'{field}' in the request body holds an unpaired surrogate ({surrogate}), which is not valid Unicode (a \\ud800-\\udbff escape " +
                       "must be followed by a \\udc00-\\udfff one, which no other escape may follow); remove it, or write the character itself";
            // "could not be converted to" names the request's type (Snorkeler.Studio.FileText); the field's type says what was wanted.
            var wrongType = ConvertedTo().Match(json.Message);
            var requestType = wrongType.Success ? typeof(ApiErrors).Assembly.GetType(wrongType.Groups["type"].Value) : null;
            if (field is not null && requestType is { } request
                && request.GetProperty(field, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { } property)
                return $"'{field}' in the request body must be {Kind(Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType)}";
            // A body that is JSON but not an object (an array, a number, a string) names the request's type the same way.
            if (json.Path == "$" && requestType is { } body)
                return $"the request body must be a JSON object with the fields {Text.Listing.Join(Fields(body), "and")}";
            var reason = json.InnerException?.Message ?? json.Message;
            var cut = reason.IndexOf(" Path:", StringComparison.Ordinal);
            if (cut < 0) cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            return $"the request body is not valid JSON (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1}): {(cut < 0 ? reason : reason[..cut]).Trim()}";
        }
        if (e.Message.Contains("body", StringComparison.Ordinal) && e.Message.Contains("provided", StringComparison.Ordinal))
            return "the request needs a JSON body";
        return e.Message;
    }

    /// <summary>The unpaired surrogate a JSON string held, written as an escape (<c>\ud800</c>), or null when that was not the fault.</summary>
    private static string? Surrogate(JsonException json)
    {
        for (var e = json.InnerException; e is not null; e = e.InnerException)
        {
            if (!e.Message.Contains("surrogate", StringComparison.OrdinalIgnoreCase)) continue;
            var value = SurrogateValue().Match(e.Message);
            return value.Success ? $"\\u{value.Groups["hex"].Value.ToLowerInvariant()}" : "a \\ud800-\\udbff escape with no \\udc00-\\udfff one after it";
        }
        return null;
    }

    [GeneratedRegex(@"0x(?<hex>[0-9A-Fa-f]{4})")]
    private static partial Regex SurrogateValue();

    /// <summary>A request type's fields as the JSON names them ('path', 'text'), in declaration order.</summary>
    private static string[] Fields(Type request)
        => request.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First().GetParameters()
            .Select(p => $"'{JsonNamingPolicy.CamelCase.ConvertName(p.Name!)}'").ToArray();

    /// <summary>A field's type as the JSON a person would write for it.</summary>
    private static string Kind(Type type)
        => type == typeof(string) ? "a string"
            : type == typeof(int) || type == typeof(long) ? "a whole number"
            : type == typeof(double) ? "a number"
            : type == typeof(bool) ? "true or false"
            : "a " + type.Name;

    [GeneratedRegex(@"could not be converted to (?<type>\S+?)\.?(\s|$)")]
    private static partial Regex ConvertedTo();
}
