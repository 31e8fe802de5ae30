using System.Net;
using System.Text.Json;

namespace Snorkeler.Studio.Tests;

/// <summary>Bad input gets a 4xx answer with a JSON error a person can act on, never a 500 or an empty body.</summary>
public sealed class StudioApiErrorTests
{
    [Theory]
    [InlineData("/api/suggestions/accept", """{"id":null}""", "give the suggestion's id ('id', as /api/suggestions lists it)")]
    [InlineData("/api/suggestions/reject", """{"id":null}""", "give the suggestion's id ('id', as /api/suggestions lists it)")]
    [InlineData("/api/suggestions/reject", """{}""", "give the suggestion's id ('id', as /api/suggestions lists it)")]
    [InlineData("/api/check", """{"path":"spam.rules",""", "the request body is not valid JSON (line 1, byte 21): Expected start of a property name or value, but instead reached end of data.")]
    [InlineData("/api/check", """{"path":"spam.rules","text":123}""", "'text' in the request body must be a string")]
    [InlineData("/api/check", """{"path":"spam.rules","text":"when \ud800 x"}""", "'text' in the request body holds an unpaired surrogate (a \\ud800-\\udbff escape with no \\udc00-\\udfff one after it), which is not valid Unicode (a \\ud800-\\udbff escape must be followed by a \\udc00-\\udfff one, which no other escape may follow); remove it, or write the character itself")]
    [InlineData("/api/save", """{"path":"spam.rules","text":"x \udc00"}""", "'text' in the request body holds an unpaired surrogate (\\udc00), which is not valid Unicode (a \\ud800-\\udbff escape must be followed by a \\udc00-\\udfff one, which no other escape may follow); remove it, or write the character itself")]
    [InlineData("/api/label", """{"row":"abc"}""", "'row' in the request body must be a whole number")]
    [InlineData("/api/label", """{"label":"HAM"}""", "give the row to label ('row', as /api/rows lists it)")]
    [InlineData("/api/check", "", "the request needs a JSON body")]
    [InlineData("/api/check", "[]", "the request body must be a JSON object with the fields 'path', 'text', 'version' and 'tab'")]
    [InlineData("/api/files/rename", "[]", "the request body must be a JSON object with the fields 'path' and 'to'")]
    [InlineData("/api/files/create", """{"path":5}""", "'path' in the request body must be a string")]
    [InlineData("/api/files/delete", """{}""", "give the file's path relative to the LF folder")]
    [InlineData("/api/check", """{"path":"spam.rules","text":"x","tab":"a b"}""", "'tab' must be a tab's id (at most 64 letters, digits and '-'), not 'a b'")]
    [InlineData("/api/label", "5", "the request body must be a JSON object with the fields 'row' and 'label'")]
    [InlineData("/api/check", """{"path":"spam.rules/x.rules","text":"x"}""", "'spam.rules/x.rules' goes through 'spam.rules', which is a file, not a folder")]
    [InlineData("/api/save", """{"path":"spam.rules/x.rules","text":"x"}""", "'spam.rules/x.rules' goes through 'spam.rules', which is a file, not a folder")]
    [InlineData("/api/rows?limit=abc", null, "'limit' must be a whole number from 0, not 'abc'")]
    [InlineData("/api/rows?limit=-5", null, "'limit' must be a whole number from 0, not '-5'")]
    [InlineData("/api/rows?seed=1.5", null, "'seed' must be a whole number, not '1.5'")]
    [InlineData("/api/rows?offset=-1", null, "'offset' must be a whole number from 0, not '-1'")]
    [InlineData("/api/rows?offset=two", null, "'offset' must be a whole number from 0, not 'two'")]
    [InlineData("/api/rows?offset=2.5", null, "'offset' must be a whole number from 0, not '2.5'")]
    [InlineData("/api/rows?limit=501", null, "'limit' must be from 0 to 500 (the most rows one page holds; ask for the rows after them with 'offset'), not 501")]
    [InlineData("/api/rows?limit=2000&offset=25", null, "'limit' must be from 0 to 500 (the most rows one page holds; ask for the rows after them with 'offset'), not 2,000")]
    [InlineData("/api/next?limit=501", null, "'limit' must be from 1 to 500 (the length of the queue the studio ranks), not 501")]
    [InlineData("/api/next?limit=0", null, "'limit' must be from 1 to 500 (the length of the queue the studio ranks), not 0; /api/rows?limit=0 counts a bucket's rows")]
    [InlineData("/api/rows?set=dev&bucket=model-wrong&covered=yes", null, "'covered' must be true or false, not 'yes'")]
    [InlineData("/api/rows?bucket=uncovered&covered=true", null, "bucket 'uncovered' holds only rows no LF votes on, so covered=true would leave none")]
    [InlineData("/api/rows?set=dev&lf=keyword_my&bucket=wrong&covered=false", null, "bucket 'wrong' holds only rows some LF votes on, so covered=false would leave none")]
    [InlineData("/api/rows?set=golden", null, "set must be 'train', 'dev' or 'gold', got 'golden'")]
    [InlineData("/api/next?limit=-1", null, "'limit' must be from 1 to 500 (the length of the queue the studio ranks), not -1")]
    [InlineData("/api/suggestions?limit=x", null, "'limit' must be a whole number from 0, not 'x'")]
    [InlineData("/api/rows?limit=20%00", null, "'limit' must be a whole number from 0, not '20\0': it holds the control character U+0000")]
    [InlineData("/api/rows?seed=7%00", null, "'seed' must be a whole number, not '7\0': it holds the control character U+0000")]
    [InlineData("/api/next?limit=5%1B", null, "'limit' must be a whole number, not '5\u001b': it holds the control character U+001B")]
    public async Task Bad_input_gets_a_400_with_a_JSON_error_naming_the_field(string path, string? body, string message)
    {
        await using var studio = await StudioHarness.Start();

        var (status, answer) = await studio.Raw(path, body);

        status.ShouldBe(HttpStatusCode.BadRequest);
        answer.ValueKind.ShouldBe(JsonValueKind.Object, "the answer is JSON");
        answer.GetProperty("error").GetString().ShouldBe(message);
    }

    [Theory]
    [InlineData("GET", "/api/nope", null, null, HttpStatusCode.NotFound, "no such request: GET /api/nope (the API's requests are listed in docs/studio.md)")]
    [InlineData("GET", "/api/save", null, null, HttpStatusCode.MethodNotAllowed, "/api/save takes POST, not GET")]
    [InlineData("DELETE", "/api/state", null, null, HttpStatusCode.MethodNotAllowed, "/api/state takes GET, not DELETE")]
    [InlineData("POST", "/api/check", "text/plain", """{"path":"spam.rules","text":""}""", HttpStatusCode.UnsupportedMediaType,
        "the request body must be JSON sent with Content-Type: application/json, not 'text/plain'")]
    public async Task A_request_the_API_has_no_endpoint_for_gets_a_JSON_error(string method, string path, string? contentType, string? body, HttpStatusCode expected, string message)
    {
        // Given
        await using var studio = await StudioHarness.Start();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null) request.Content = new StringContent(body, System.Text.Encoding.UTF8, contentType!);

        // When
        using var response = await studio.Client.SendAsync(request);

        // Then
        response.StatusCode.ShouldBe(expected);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString().ShouldBe(message);
    }

    [Theory]
    [InlineData(false, null, "keyword_subscrbe", "no LF named 'keyword_subscrbe' in the rules and scripts of this studio (spam.rules in its LF folder); did you mean 'keyword_subscribe'?")]
    [InlineData(true, null, "textblob_polarty", "no LF named 'textblob_polarty' in the rules and scripts of this studio (nlp.csx and spam.rules in its LF folder); did you mean 'textblob_polarity'?")]
    [InlineData(true, null, "sentiment", "no LF named 'sentiment' in the rules and scripts of this studio (nlp.csx and spam.rules in its LF folder)")]
    [InlineData(false, "spam.rules", "keyword_subscrbe", "no LF named 'keyword_subscrbe' in the rules and scripts of this studio (spam.rules in its LF folder, with its unsaved edits); did you mean 'keyword_subscribe'?")]
    [InlineData(true, "spam.rules", "keyword_subscrbe", "no LF named 'keyword_subscrbe' in the rules and scripts of this studio (nlp.csx and spam.rules in its LF folder, with the unsaved edits of spam.rules); did you mean 'keyword_subscribe'?")]
    [InlineData(false, "more.rules", "keyword_subscrbe", "no LF named 'keyword_subscrbe' in the rules and scripts of this studio (more.rules and spam.rules in its LF folder, with the unsaved edits of more.rules); did you mean 'keyword_subscribe'?")]
    public async Task The_rows_of_an_LF_that_does_not_exist_get_a_404_naming_it_where_LFs_are_looked_up_and_which_files_have_unsaved_edits(bool scripts, string? edited, string lf, string message)
    {
        // Given a studio of rules, or of rules and C# scripts, with no unsaved edits, unsaved edits of its rules file or a
        // new rules file not saved yet (before: a bare "unknown LF 'NAME'"; then every file was said to have unsaved edits,
        // "with their unsaved edits", one file or several, edited or not, and a new file not saved yet was left out)
        await using var studio = await StudioHarness.Start(scripts: scripts);
        if (edited is not null)
            await studio.Post("/api/check", new { path = edited, text = edited == "spam.rules" ? File.ReadAllText(studio.RulesFile) + "\n# to do\n" : "labels HAM, SPAM\n", tab = "t1" });

        // When
        var (status, answer) = await studio.Raw($"/api/rows?set=train&lf={lf}&bucket=fires");

        // Then
        status.ShouldBe(HttpStatusCode.NotFound);
        answer.GetProperty("error").GetString().ShouldBe(message);
    }

    [Fact]
    public async Task An_oversized_request_gets_a_413_with_a_JSON_error()
    {
        // Given
        await using var studio = await StudioHarness.Start();
        var huge = new string('x', (int)StudioServer.MaxRequestBytes + 1024);

        // When
        var (status, answer) = await studio.Raw("/api/check", JsonSerializer.Serialize(new { path = "spam.rules", text = huge }));

        // Then
        status.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        answer.ValueKind.ShouldBe(JsonValueKind.Object, "the answer is JSON");
        answer.GetProperty("error").GetString().ShouldBe("the request body is larger than 2 MB (2,097,152 bytes), the most the studio takes");
    }
}
